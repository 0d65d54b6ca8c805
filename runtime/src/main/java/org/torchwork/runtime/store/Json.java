package org.torchwork.runtime.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberStrategy;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The JSON of stored files and callback states. Numbers come back as {@link Integer},
 * {@link Long} or {@link Double}, whatever Java type they were written from, so a state read back
 * equals the state a run holds after the same round trip. Documents nest at most 255 deep
 * (Gson's reader limit); deeper ones are refused, not followed into a stack overflow.
 */
public final class Json {
  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final Gson GSON = new GsonBuilder()
      .serializeNulls()
      .serializeSpecialFloatingPointValues()
      .setPrettyPrinting()
      .setObjectToNumberStrategy((ToNumberStrategy) in -> number(in.nextString()))
      .create();

  private Json() {}

  private static Number number(String s) {
    if (s.matches("-?\\d+")) {
      BigDecimal d = new BigDecimal(s);
      if (d.compareTo(INT_MAX) <= 0 && d.compareTo(INT_MIN) >= 0) {
        return Integer.valueOf(s);
      }
      if (d.compareTo(LONG_MAX) <= 0 && d.compareTo(LONG_MIN) >= 0) {
        return Long.valueOf(s);
      }
    }
    return Double.valueOf(s);
  }

  /**
   * A value as it comes back from a stored file: lists, maps, strings, booleans, Integer, Long,
   * Double.
   *
   * @param value plain data
   * @param <T> its type
   * @return the same value after a round trip through JSON
   */
  @SuppressWarnings("unchecked")
  public static <T> T plain(T value) {
    return value == null ? null : (T) typed(GSON.fromJson(GSON.toJson(tagged(value)), Object.class));
  }

  private static final String TYPE = "$type";

  /**
   * Callback states as a map, for a record's field.
   *
   * @param value a map by callback id, or null
   * @return the map, or null
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> states(Object value) {
    return (Map<String, Object>) value;
  }

  /**
   * Plain data with the number types JSON cannot tell apart marked: a {@link Long}, {@link Float},
   * {@link Short} or {@link Byte} becomes {@code {"$type": "long", "value": "5"}} (and so on), and a
   * map that has a {@code $type} key of its own is wrapped as {@code {"$type": "map", "value":
   * {...}}}. Integers, doubles, strings, booleans, null and lists stay as they are, so files
   * written before keep their meaning.
   *
   * @param value plain data
   * @return the same data, marked
   */
  public static Object tagged(Object value) {
    if (value instanceof Long || value instanceof Short || value instanceof Byte) {
      return Map.of(TYPE, value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), "value", value.toString());
    }
    if (value instanceof Float f) {
      // Its shortest decimal form, which reads back as the same float.
      return Map.of(TYPE, "float", "value", f.toString());
    }
    if (value instanceof List<?> list) {
      List<Object> out = new java.util.ArrayList<>(list.size());
      list.forEach(v -> out.add(tagged(v)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, tagged(v)));
      return map.containsKey(TYPE) ? Map.of(TYPE, "map", "value", out) : out;
    }
    return value;
  }

  /**
   * Undoes {@link #tagged(Object)} on data read back from JSON.
   *
   * @param value data read from JSON
   * @return the data with its marked numbers restored to their types
   * @throws JsonParseException for a mark that names no known type or holds no valid number
   */
  public static Object typed(Object value) {
    if (value instanceof List<?> list) {
      List<Object> out = new java.util.ArrayList<>(list.size());
      list.forEach(v -> out.add(typed(v)));
      return out;
    }
    if (!(value instanceof Map<?, ?> map)) {
      return value;
    }
    Object type = map.get(TYPE);
    if (type != null && map.size() == 2 && map.containsKey("value")) {
      Object v = map.get("value");
      try {
        switch (String.valueOf(type)) {
          case "long":
            return Long.valueOf(String.valueOf(v));
          case "short":
            return Short.valueOf(String.valueOf(v));
          case "byte":
            return Byte.valueOf(String.valueOf(v));
          case "float":
            return Float.valueOf(String.valueOf(v));
          case "map":
            if (v instanceof Map<?, ?> inner) {
              Map<Object, Object> out = new java.util.LinkedHashMap<>();
              inner.forEach((k, x) -> out.put(k, typed(x)));
              return out;
            }
            break;
          default:
            break;
        }
      } catch (NumberFormatException e) {
        throw new JsonParseException("a " + type + " value '" + v + "' is not a " + type);
      }
      throw new JsonParseException("a value marked {\"$type\": \"" + type + "\"} is not one Torchwork wrote");
    }
    Map<Object, Object> out = new java.util.LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, typed(v)));
    return out;
  }

  /**
   * Writes a value (plain data, a record, a JSON tree) as indented JSON.
   *
   * @param value the value
   * @return the JSON text
   */
  public static String pretty(Object value) {
    return value instanceof JsonElement ? GSON.toJson((JsonElement) value) : GSON.toJson(value);
  }

  /**
   * The UTF-8 bytes of {@link #pretty(Object)}.
   *
   * @param value the value
   * @return the bytes
   */
  public static byte[] bytes(Object value) {
    return pretty(value).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads JSON into a type.
   *
   * @param bytes UTF-8 JSON
   * @param type what to read it as
   * @param <T> the type
   * @return the value, or null for the JSON literal null
   * @throws JsonParseException when the text is not JSON of that shape, or nests too deep
   */
  public static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), type);
    } catch (StackOverflowError e) {
      throw new JsonParseException("the document nests too deep", e);
    } catch (JsonParseException e) {
      throw e;
    } catch (RuntimeException e) {
      // A value a record's constructor refuses, or of the wrong type: say what, not how Gson failed.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new JsonParseException(root.getMessage() == null ? root.toString() : root.getMessage(), e);
    }
  }

  /**
   * What is wrong with a list of names read from a file, if anything.
   *
   * @param names the names
   * @param what what they are, e.g. {@code "feature names"}
   * @return the problem, or null when there is none
   */
  static String badNames(List<String> names, String what) {
    if (names == null) {
      return "the " + what + " are missing";
    }
    if (names.contains(null)) {
      return "one of the " + what + " is missing";
    }
    return new HashSet<>(names).size() != names.size() ? "the " + what + " name one twice" : null;
  }
}
