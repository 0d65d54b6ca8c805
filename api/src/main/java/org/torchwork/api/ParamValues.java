package org.torchwork.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checked, typed parameter values, as produced by {@link ParamSet#resolve(Map, String)}:
 * every value set or defaulted, already converted to its parameter's Java type.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class ParamValues {
  private static final ParamValues EMPTY = new ParamValues(Map.of());

  private final Map<String, Object> values;

  ParamValues(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Values without any entries.
   *
   * @return the empty values
   */
  public static ParamValues empty() {
    return EMPTY;
  }

  /**
   * Whether a value is present (set or defaulted).
   *
   * @param id the parameter id
   * @return true when present
   */
  public boolean has(String id) {
    return values.containsKey(id);
  }

  /**
   * A value as its Java type.
   *
   * @param id the parameter id
   * @return the value, if present
   */
  public Optional<Object> find(String id) {
    return Optional.ofNullable(values.get(id));
  }

  /**
   * An integer value.
   *
   * @param id the parameter id
   * @return the value
   * @throws IllegalStateException when absent or of another type
   */
  public int getInt(String id) {
    return get(id, Integer.class);
  }

  /**
   * A number value.
   *
   * @param id the parameter id
   * @return the value
   * @throws IllegalStateException when absent or of another type
   */
  public double getDouble(String id) {
    return get(id, Double.class);
  }

  /**
   * A boolean value.
   *
   * @param id the parameter id
   * @return the value
   * @throws IllegalStateException when absent or of another type
   */
  public boolean getBoolean(String id) {
    return get(id, Boolean.class);
  }

  /**
   * A string or choice value.
   *
   * @param id the parameter id
   * @return the value
   * @throws IllegalStateException when absent or of another type
   */
  public String getString(String id) {
    return get(id, String.class);
  }

  /**
   * A list value.
   *
   * @param id the parameter id
   * @param elementType the element type: {@link Integer}, {@link Double} or {@link String}
   * @param <T> the element type
   * @return the value
   * @throws IllegalStateException when absent or of another type
   */
  @SuppressWarnings("unchecked")
  public <T> List<T> getList(String id, Class<T> elementType) {
    List<?> list = get(id, List.class);
    for (Object o : list) {
      if (!elementType.isInstance(o)) {
        throw new IllegalStateException(
            "Parameter '" + id + "' holds " + o.getClass().getSimpleName() + " elements, not "
                + elementType.getSimpleName() + ".");
      }
    }
    return (List<T>) list;
  }

  private <T> T get(String id, Class<T> type) {
    Object v = values.get(id);
    if (v == null) {
      throw new IllegalStateException(
          "Parameter '" + id + "' has no value: it is optional, unset and has no default. Check"
              + " has(\"" + id + "\") first.");
    }
    if (!type.isInstance(v)) {
      throw new IllegalStateException(
          "Parameter '" + id + "' is " + v.getClass().getSimpleName() + ", not "
              + type.getSimpleName() + ".");
    }
    return type.cast(v);
  }

  /**
   * All values, in declaration order.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.getKey()).append('=').append(Param.format(e.getValue()));
    }
    return sb.toString();
  }
}
