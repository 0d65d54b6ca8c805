package org.torchwork.runtime.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.torchwork.api.TorchworkException;

/** Checks that callback states are plain data (what can be saved as JSON). */
public final class States {
  private States() {}

  /**
   * Checks a callback's state.
   *
   * @param callbackId the callback, for the message
   * @param state its state
   * @throws TorchworkException when the state is not plain data
   */
  public static void check(String callbackId, Object state) {
    check(callbackId, state, "state");
  }

  private static void check(String id, Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Double || value instanceof Float
        || value instanceof Short || value instanceof Byte || value instanceof BigDecimal || value instanceof BigInteger) {
      return;
    }
    if (value instanceof List) {
      int i = 0;
      for (Object element : (List<?>) value) {
        check(id, element, path + "[" + i++ + "]");
      }
      return;
    }
    if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw notPlain(id, path, "a map key of type " + e.getKey().getClass().getName());
        }
        check(id, e.getValue(), path + "." + e.getKey());
      }
      return;
    }
    throw notPlain(id, path, "a " + value.getClass().getName());
  }

  private static TorchworkException notPlain(String id, String path, String what) {
    return new TorchworkException(
        "Callback '" + id + "' returned a state that is not plain data: " + path + " is " + what
            + ". stateDict() must return null, Boolean, Number, String, or List and Map<String, ?> of"
            + " these, so that it can be saved and restored without Java serialization.");
  }
}
