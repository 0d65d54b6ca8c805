package org.torchwork.callbacks.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>State: the epochs saved so far ({@code saved}), the directory ({@code path}) and the last
 * file written ({@code last}).
 */
public final class Checkpoint extends CallbackSet {
  private final Path dir;
  private final int freq;
  private final List<Integer> saved = new ArrayList<>();
  private String last;

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
