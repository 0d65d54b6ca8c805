package org.torchwork.callbacks.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Saves a checkpoint every {@code freq} epochs and when the run ends, to
 * {@code <path>/checkpoint-<epoch>.zip}. Each holds the network, the optimizer's state, the
 * random state that orders the data, the epoch, the learning rate and every callback's state by
 * id ({@link Context#saveCheckpoint}); each is written atomically, so a crash mid-write leaves
 * the previous one intact. Resume with the learner parameter {@code resume=<path>} (the latest
 * checkpoint in the directory) or {@code resume=<file>}.
 *
 * <p>Weight {@code +infinity}: it runs after every other callback in a stage, so the states it
 * saves are current; a stateful callback ordered after it is refused.
 *
 * <p>State: the files written, in order.
 */
public final class Checkpoint extends CallbackSet {
  private final Path dir;
  private final int freq;
  private final List<String> written = new ArrayList<>();
  private int lastSaved = -1;

  /**
   * Creates the callback.
   *
   * @param dir the directory to write checkpoints to
   * @param freq save every this many epochs
   */
  public Checkpoint(Path dir, int freq) {
    this.dir = dir;
    this.freq = freq;
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (ctx.epoch() % freq == 0) {
      save(ctx);
    }
  }

  @Override
  public void onEnd(Context ctx) {
    if (lastSaved != ctx.epoch() && ctx.epoch() > 0) {
      save(ctx);
    }
  }

  private void save(Context ctx) {
    lastSaved = ctx.epoch();
    written.add(ctx.saveCheckpoint(dir).toString());
  }

  @Override
  public Object stateDict() {
    return List.copyOf(written);
  }

  @Override
  public void loadStateDict(Object state) {
    written.clear();
    for (Object o : (List<?>) state) {
      written.add(o.toString());
    }
  }
}
