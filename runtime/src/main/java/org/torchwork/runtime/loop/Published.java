package org.torchwork.runtime.loop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Stage;

/**
 * The values callbacks publish ({@code ctx.log}) in the current epoch: by callback id and name,
 * the sum and the count, so that the epoch's value is their mean. Publishing allocates nothing.
 */
final class Published {
  private final Map<String, Map<String, double[]>> byCallback = new LinkedHashMap<>();
  private List<String> names = List.of();

  /** Takes what each callback declares it publishes. */
  void declare(List<Live> lives) {
    List<String> all = new java.util.ArrayList<>();
    for (Live live : lives) {
      if (!live.publishes().isEmpty() && (live.id().equals("train") || live.id().equals("valid"))) {
        throw new org.torchwork.api.TorchworkException("Callback '" + live.id() + "' publishes values, which would be named "
            + live.id() + ".<name> like the " + (live.id().equals("train") ? "training" : "validation") + " measures. Give the"
            + " callback another id.");
      }
      Map<String, double[]> mine = new LinkedHashMap<>();
      for (String name : live.publishes()) {
        mine.put(name, new double[2]);
        all.add(live.id() + "." + name);
      }
      if (!mine.isEmpty()) {
        byCallback.put(live.id(), mine);
      }
    }
    names = List.copyOf(all);
  }

  /** The qualified names ({@code <callback id>.<name>}), in the callbacks' order. */
  List<String> names() {
    return names;
  }

  /** Starts an epoch afresh. */
  void clear() {
    byCallback.values().forEach(m -> m.values().forEach(a -> {
      a[0] = 0;
      a[1] = 0;
    }));
  }

  /** Adds a value a callback publishes, after checking it may. */
  void add(String callback, String name, double value, boolean inEpoch, Stage stage) {
    Map<String, double[]> mine = byCallback.getOrDefault(callback, Map.of());
    double[] acc = mine.get(name);
    if (acc == null) {
      throw new IllegalArgumentException("Callback '" + callback + "' published '" + name + "', which its descriptor does not"
          + " declare" + (mine.isEmpty() ? " (it declares none)" : " (it declares " + String.join(", ", mine.keySet()) + ")")
          + ". Declare it with TorchCallback.builder(...).publishes(\"" + name + "\").");
    }
    if (!inEpoch) {
      throw new IllegalStateException("ctx.log(\"" + name + "\") in " + stage + ": values are published for an epoch, from"
          + " on_epoch_begin to on_epoch_end. Publish it in one of those stages.");
    }
    acc[0] += value;
    acc[1]++;
  }

  /** The epoch's values so far, each the mean of what was published, after the learning rate. */
  Map<String, Double> means(double lr) {
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("lr", lr);
    byCallback.forEach((id, m) -> m.forEach((name, a) -> {
      if (a[1] > 0) {
        values.put(id + "." + name, a[0] / a[1]);
      }
    }));
    return Collections.unmodifiableMap(values);
  }

  /** The sums and counts so far, for a checkpoint taken inside the epoch. */
  Map<String, List<Double>> state() {
    Map<String, List<Double>> state = new LinkedHashMap<>();
    byCallback.forEach((id, m) -> m.forEach((name, a) -> {
      if (a[1] > 0) {
        state.put(id + "." + name, List.of(a[0], a[1]));
      }
    }));
    return state;
  }

  /** Restores the sums and counts a checkpoint taken inside the epoch saved. */
  void restore(Map<String, List<Double>> state) {
    clear();
    if (state == null) {
      return;
    }
    byCallback.forEach((id, m) -> m.forEach((name, a) -> {
      List<Double> saved = state.get(id + "." + name);
      if (saved != null && saved.size() == 2) {
        a[0] = saved.get(0);
        a[1] = saved.get(1);
      }
    }));
  }
}
