package org.torchwork.runtime.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.torchwork.api.TorchworkException;

/** Checks that callback states are plain data (what can be saved as JSON). */
public final class States {
  private States() {}

  /** How deeply lists and maps may nest in a state. */
  public static final int MAX_DEPTH = 100;

  /**
   * Checks that a callback's state is plain data that can be saved and read back as it was:
   * null, Boolean, String, Integer, Long, Short, Byte, Float or Double, and lists and maps with
   * String keys of these, nested at most {@link #MAX_DEPTH} deep, with no cycle.
   *
   * @param state the state
   * @throws TorchworkException naming where in the state the problem is
   */
  public static void check(Object state) {
    check(state, "state", 0, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private static void check(Object value, String path, int depth, Set<Object> open) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
        || value instanceof Short || value instanceof Byte) {
      return;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      throw notPlain(path, "a " + value.getClass().getSimpleName() + " (" + abbreviate(value.toString()) + "), which would"
          + " come back rounded to a double; keep a Long or a Double, or a String for exact digits");
    }
    if (!(value instanceof List) && !(value instanceof Map)) {
      throw notPlain(path, "a " + value.getClass().getName());
    }
    if (depth >= MAX_DEPTH) {
      throw notPlain(path, "nested more than " + MAX_DEPTH + " lists or maps deep");
    }
    if (!open.add(value)) {
      throw notPlain(path, "the list or map that contains it: the state is cyclic");
    }
    if (value instanceof List) {
      int i = 0;
      for (Object element : (List<?>) value) {
        check(element, path + "[" + i++ + "]", depth + 1, open);
      }
    } else {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (e.getKey() == null) {
          throw notPlain(path, "a map with a null key");
        }
        if (!(e.getKey() instanceof String)) {
          throw notPlain(path, "a map with a key of type " + e.getKey().getClass().getName());
        }
        check(e.getValue(), path + "." + e.getKey(), depth + 1, open);
      }
    }
    open.remove(value);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static TorchworkException notPlain(String path, String what) {
    return new TorchworkException(
        "its stateDict() returned what cannot be saved: " + path + " is " + what
            + ". stateDict() must return null, Boolean, Number, String, or List and Map<String, ?> of"
            + " these, so that it can be saved and restored without Java serialization.");
  }
}
