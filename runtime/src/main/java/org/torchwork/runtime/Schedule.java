package org.torchwork.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Param;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;

/**
 * Which callbacks run in each stage, in the order they run: ascending weight, ties in the order
 * given, each only in the stages it implements. What the loop will do, made visible before it
 * runs ({@code torchwork schedule}, {@link TorchLearner#schedule()}).
 */
public final class Schedule {

  /**
   * A callback in a stage.
   *
   * @param id the callback's id
   * @param weight its weight
   */
  public record Entry(String id, double weight) {
    @Override
    public String toString() {
      return id + " (" + Param.format(weight) + ")";
    }
  }

  private final Map<Stage, List<Entry>> byStage = new EnumMap<>(Stage.class);

  private Schedule(List<TorchCallback> callbacks) {
    List<TorchCallback> sorted = new ArrayList<>(callbacks);
    sorted.sort(Comparator.comparingDouble(TorchCallback::weight));
    for (Stage stage : Stage.values()) {
      List<Entry> entries = new ArrayList<>();
      for (TorchCallback cb : sorted) {
        if (cb.stages().contains(stage)) {
          entries.add(new Entry(cb.id(), cb.weight()));
        }
      }
      byStage.put(stage, List.copyOf(entries));
    }
  }

  /**
   * The schedule of some callbacks.
   *
   * @param callbacks the callbacks, in the order given to the learner
   * @return the schedule
   */
  public static Schedule of(List<TorchCallback> callbacks) {
    return new Schedule(callbacks);
  }

  /**
   * The callbacks that run in a stage, in order.
   *
   * @param stage the stage
   * @return the entries; empty when none runs there
   */
  public List<Entry> stage(Stage stage) {
    return byStage.get(stage);
  }

  /** One line per stage: {@code on_batch_end: custom_logger (0), checkpoint (Infinity)}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    int width = 0;
    for (Stage s : Stage.values()) {
      width = Math.max(width, s.id().length());
    }
    for (Stage s : Stage.values()) {
      List<Entry> entries = byStage.get(s);
      sb.append(String.format("%-" + (width + 1) + "s ", s.id() + ":"))
          .append(entries.isEmpty() ? "-" : String.join(", ", entries.stream().map(Entry::toString).toList()))
          .append('\n');
    }
    return sb.toString();
  }
}
