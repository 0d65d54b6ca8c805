package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Stage;
import org.torchwork.runtime.store.Json;

/** The callbacks' states and tensors, as checkpoints and the trained model keep them. */
final class CallbackStates {
  private CallbackStates() {}

  /**
   * Every callback's non-null state, by id, in the order the callbacks run, as a stored file gives
   * it back (numbers keep their types), so a model's states and a resumed run's are the same values.
   */
  static Map<String, Object> states(List<Live> callbacks, Stage stage) {
    Map<String, Object> states = new LinkedHashMap<>();
    for (Live live : callbacks) {
      Object state = live.state(stage);
      if (state != null) {
        states.put(live.id(), state);
      }
    }
    return Json.plain(states);
  }

  /** Every callback's tensors, by callback id; callbacks without any are left out. */
  static Map<String, Map<String, NDArray>> tensors(List<Live> callbacks, Stage stage) {
    Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>();
    for (Live live : callbacks) {
      Map<String, NDArray> mine = live.tensors(stage);
      if (!mine.isEmpty()) {
        tensors.put(live.id(), mine);
      }
    }
    return tensors;
  }

  /** Copies of tensors that a manager owns (the trained model's), whatever their callbacks do with theirs. */
  static Map<String, Map<String, NDArray>> copies(Map<String, Map<String, NDArray>> tensors, NDManager owner) {
    Map<String, Map<String, NDArray>> out = new LinkedHashMap<>();
    tensors.forEach((id, named) -> {
      Map<String, NDArray> copies = new LinkedHashMap<>();
      named.forEach((name, t) -> {
        NDArray copy = t.duplicate();
        copy.attach(owner);
        copies.put(name, copy);
      });
      out.put(id, Collections.unmodifiableMap(copies));
    });
    return Collections.unmodifiableMap(out);
  }
}
