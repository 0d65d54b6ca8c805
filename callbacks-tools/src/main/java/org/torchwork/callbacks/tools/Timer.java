package org.torchwork.callbacks.tools;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;

/**
 * Times the run: seconds per epoch, and seconds per stage. It runs first in every stage (weight
 * -infinity); the time of a stage is the time from its start to the start of the next stage, so
 * {@code on_batch_begin} holds the forward and backward passes, {@code on_after_backward} the
 * optimizer step, {@code on_batch_valid_begin} the validation forward pass, and so on.
 *
 * <p>State: {@code epochs} (seconds of each epoch) and {@code stages} (total seconds by stage).
 */
public final class Timer extends CallbackSet {
  private final List<Double> epochs = new ArrayList<>();
  private final Map<Stage, Long> stageNanos = new EnumMap<>(Stage.class);
  private Stage current;
  private long since;
  private long epochStart;

  /** Creates the callback. */
  public Timer() {}

  private void mark(Context ctx) {
    long now = System.nanoTime();
    if (current != null) {
      stageNanos.merge(current, now - since, Long::sum);
    }
    current = ctx.stage();
    since = now;
  }

  @Override public void onBegin(Context ctx) { mark(ctx); }
  @Override public void onEpochBegin(Context ctx) { mark(ctx); epochStart = since; }
  @Override public void onBatchBegin(Context ctx) { mark(ctx); }
  @Override public void onAfterBackward(Context ctx) { mark(ctx); }
  @Override public void onBatchEnd(Context ctx) { mark(ctx); }
  @Override public void onBeforeValid(Context ctx) { mark(ctx); }
  @Override public void onBatchValidBegin(Context ctx) { mark(ctx); }
  @Override public void onBatchValidEnd(Context ctx) { mark(ctx); }
  @Override public void onValidEnd(Context ctx) { mark(ctx); }

  @Override
  public void onEpochEnd(Context ctx) {
    mark(ctx);
    epochs.add((since - epochStart) / 1e9);
  }

  @Override public void onEnd(Context ctx) { mark(ctx); }
  @Override public void onExit(Context ctx) { mark(ctx); }

  @Override
  public Object stateDict() {
    Map<String, Object> stages = new LinkedHashMap<>();
    stageNanos.forEach((stage, nanos) -> stages.put(stage.id(), nanos / 1e9));
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("epochs", List.copyOf(epochs));
    state.put("stages", stages);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    epochs.clear();
    for (Object o : (List<?>) map.get("epochs")) {
      epochs.add(((Number) o).doubleValue());
    }
    stageNanos.clear();
    ((Map<?, ?>) map.get("stages")).forEach((k, v) ->
        stageNanos.put(Stage.of((String) k), Math.round(((Number) v).doubleValue() * 1e9)));
  }
}
