package org.torchwork.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.torchwork.api.internal.Names;

/**
 * The typed parameters of a callback or learner, in declaration order.
 *
 * <p>{@link #resolve(Map, String)} turns the values a user gave into {@link ParamValues}:
 * unknown ids, wrong types, out-of-range values and missing required values are all reported
 * before anything runs.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class ParamSet {
  private static final ParamSet EMPTY = new ParamSet(List.of());

  private final Map<String, Param> params;

  private ParamSet(List<Param> params) {
    Map<String, Param> map = new LinkedHashMap<>();
    for (Param p : params) {
      if (map.put(p.id(), p) != null) {
        throw new IllegalArgumentException("Parameter '" + p.id() + "' is declared twice.");
      }
    }
    this.params = Collections.unmodifiableMap(map);
  }

  /**
   * A parameter set.
   *
   * @param params the parameters, in the order to list them
   * @return the set
   */
  public static ParamSet of(Param... params) {
    return params.length == 0 ? EMPTY : new ParamSet(List.of(params));
  }

  /**
   * A parameter set.
   *
   * @param params the parameters, in the order to list them
   * @return the set
   */
  public static ParamSet of(Collection<Param> params) {
    return params.isEmpty() ? EMPTY : new ParamSet(List.copyOf(params));
  }

  /**
   * The empty parameter set.
   *
   * @return a set without parameters
   */
  public static ParamSet empty() {
    return EMPTY;
  }

  /**
   * This set followed by the parameters of another.
   *
   * @param other more parameters; their ids must not clash with these
   * @return the combined set
   */
  public ParamSet with(ParamSet other) {
    List<Param> all = new ArrayList<>(params.values());
    all.addAll(other.params.values());
    return of(all);
  }

  /**
   * This set's parameters with a prefix on each id, e.g. {@code cb.history.} (see
   * {@link Param#withId(String)}).
   *
   * @param prefix the prefix
   * @return the renamed set
   * @since 0.2
   */
  public ParamSet prefixed(String prefix) {
    return of(params.values().stream().map(p -> p.withId(prefix + p.id())).toList());
  }

  /**
   * The parameters, in declaration order.
   *
   * @return an unmodifiable collection
   */
  public Collection<Param> params() {
    return params.values();
  }

  /**
   * The parameter ids, in declaration order.
   *
   * @return an unmodifiable list
   */
  public List<String> ids() {
    return List.copyOf(params.keySet());
  }

  /**
   * Finds a parameter.
   *
   * @param id the parameter's id
   * @return the parameter, if declared
   */
  public Optional<Param> find(String id) {
    return Optional.ofNullable(params.get(id));
  }

  /**
   * Whether there are no parameters.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return params.isEmpty();
  }

  /**
   * Checks and converts the given values, fills in defaults, and requires the required ones.
   *
   * @param given values by parameter id, as Java objects or strings; not null
   * @param prefix what to put before each id in messages, such as {@code "cb.custom_logger."}
   *     or {@code ""}
   * @return the complete, typed values
   * @throws TorchworkException for the first value that is unknown, ill-typed, out of range
   *     or missing
   */
  public ParamValues resolve(Map<String, ?> given, String prefix) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : given.entrySet()) {
      Param p = params.get(e.getKey());
      if (p == null) {
        throw unknown(e.getKey(), prefix);
      }
      if (e.getValue() != null) {
        values.put(p.id(), p.convert(e.getValue(), prefix + p.id()));
      }
    }
    for (Param p : params.values()) {
      if (!values.containsKey(p.id())) {
        if (p.defaultValue() != null) {
          values.put(p.id(), p.defaultValue());
        } else if (p.required()) {
          throw new TorchworkException(
              "Parameter '"
                  + prefix
                  + p.id()
                  + "' is required but was not set. Set it to "
                  + p.allowed()
                  + ", e.g. "
                  + prefix
                  + p.id()
                  + "="
                  + p.example()
                  + ".");
        }
      }
    }
    return new ParamValues(values);
  }

  /**
   * The error for an id this set does not declare.
   *
   * @param id the unknown id
   * @param prefix what to put before ids in the message, such as {@code "cb.custom_logger."}
   * @return the exception, listing the declared ids and the nearest one
   */
  public TorchworkException unknown(String id, String prefix) {
    String owner =
        prefix.startsWith("cb.") && prefix.endsWith(".")
            ? "callback '" + prefix.substring(3, prefix.length() - 1) + "'"
            : "it";
    if (params.isEmpty()) {
      return new TorchworkException(
          "Unknown parameter '" + prefix + id + "': " + owner + " takes no parameters. Remove the setting.");
    }
    return new TorchworkException(
        "Unknown parameter '"
            + prefix
            + id
            + "': "
            + owner
            + " has no parameter '"
            + id
            + "'."
            + Names.didYouMean(id, params.keySet())
            + " Known parameters: "
            + Names.list(params.keySet())
            + ".");
  }

  @Override
  public String toString() {
    List<String> lines = new ArrayList<>();
    for (Param p : params.values()) {
      lines.add(p.summary());
    }
    return String.join("\n", lines);
  }
}
