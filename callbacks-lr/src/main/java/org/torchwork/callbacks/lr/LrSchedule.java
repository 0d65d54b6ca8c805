package org.torchwork.callbacks.lr;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * A schedule that sets the learning rate from the rate the run started with. The base rate is
 * taken in {@code on_begin} of a fresh run and kept as state, so a resumed run (whose rate in
 * force has already been changed) scales the original base rate, not the current one.
 */
public abstract class LrSchedule extends CallbackSet {
  /** The learning rate the run started with; null until {@code on_begin}. */
  protected Double baseLr;

  /** Creates the schedule. */
  protected LrSchedule() {}

  @Override
  public void onBegin(Context ctx) {
    if (baseLr == null) {
      baseLr = ctx.learningRate();
    }
  }

  /**
   * Extra state of a subclass.
   *
   * @param state add entries here
   */
  protected void saveState(Map<String, Object> state) {}

  /**
   * Restores a subclass's extra state.
   *
   * @param state what {@link #saveState} wrote
   */
  protected void loadState(Map<?, ?> state) {}

  @Override
  public final Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("base_lr", baseLr);
    saveState(state);
    return state;
  }

  @Override
  public final void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    Object base = map.get("base_lr");
    baseLr = base == null ? null : ((Number) base).doubleValue();
    loadState(map);
  }

  /**
   * A number from a state map.
   *
   * @param state the map
   * @param key the key
   * @return the number as a double
   */
  protected static double number(Map<?, ?> state, String key) {
    return ((Number) state.get(key)).doubleValue();
  }
}
