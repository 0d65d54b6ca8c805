package org.torchwork.callbacks.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TrainingInterrupted;

/**
 * Saves a checkpoint every {@code freq} epochs and when the run ends, to
 * {@code <path>/checkpoint-<epoch>.zip}, and, with {@code on_interrupt}, where an interrupted run
 * stopped ({@code checkpoint-<epoch>+<batch>.zip}). Each holds the network, the optimizer's state, the
 * random state that orders the data, the epoch, the learning rate and every callback's state by
 * id ({@link Context#saveCheckpoint}); each is written atomically, so a crash mid-write leaves
 * the previous one intact. Resume with the learner parameter {@code resume=<path>} (the latest
 * checkpoint in the directory) or {@code resume=<file>}.
 *
 * <p>The folder belongs to one run ({@link Context#claimCheckpoints}, in {@code on_begin}, before
 * training starts): a second run writing to it at the same time, and a later run that does not
 * resume this one, are refused, unless {@code fresh} is set.
 *
 * <p>Weight {@code +infinity}: it runs after every other callback in a stage, so the states it
 * saves are current; a stateful callback ordered after it is refused.
 *
 * <p>State: the epochs saved so far ({@code saved}), the directory ({@code path}) and the last
 * file written ({@code last}).
 */
public final class Checkpoint extends CallbackSet {
  private final Path dir;
  private final int freq;
  private final boolean onInterrupt;
  private final boolean fresh;
  private final List<Integer> saved = new ArrayList<>();
  private String last;

  /**
   * Creates the callback.
   *
   * @param dir the directory to write checkpoints to
   * @param freq save every this many epochs
   * @param onInterrupt whether to save where an interrupted run stopped
   * @param fresh whether to delete another run's checkpoints in the folder instead of refusing
   */
  public Checkpoint(Path dir, int freq, boolean onInterrupt, boolean fresh) {
    this.dir = dir;
    this.freq = freq;
    this.onInterrupt = onInterrupt;
    this.fresh = fresh;
  }

  @Override
  public void onBegin(Context ctx) {
    ctx.claimCheckpoints(dir, "cb.checkpoint.path", fresh);
  }

  @Override
  public void onExit(Context ctx) {
    if (onInterrupt && ctx.failure().filter(TrainingInterrupted.class::isInstance).isPresent()) {
      last = ctx.saveCheckpoint(dir).toString();
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (ctx.epoch() % freq == 0) {
      save(ctx);
    }
  }

  @Override
  public void onEnd(Context ctx) {
    if (ctx.epoch() > 0 && !saved.contains(ctx.epoch())) {
      save(ctx);
    }
  }

  private void save(Context ctx) {
    // Recorded before saving, so that the checkpoint's own copy of this state includes it.
    saved.add(ctx.epoch());
    last = ctx.saveCheckpoint(dir).toString();
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("path", dir.toString());
    state.put("saved", List.copyOf(saved));
    state.put("last", last);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    saved.clear();
    for (Object o : (List<?>) map.get("saved")) {
      saved.add(((Number) o).intValue());
    }
    last = (String) map.get("last");
  }
}
