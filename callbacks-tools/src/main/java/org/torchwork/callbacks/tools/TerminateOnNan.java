package org.torchwork.callbacks.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Stops the run cleanly when a training loss is NaN or infinite: in {@code on_after_backward}
 * it skips that batch's optimizer step (so the bad gradients never reach the weights) and asks
 * the loop to terminate; the epoch finishes, {@code on_end} runs, and every callback's state is
 * kept. The reason is recorded.
 *
 * <p>State: {@code terminated}, and when it did, {@code epoch}, {@code step} and {@code reason}.
 */
public final class TerminateOnNan extends CallbackSet {
  private Map<String, Object> state = Map.of("terminated", false);

  /** Creates the callback. */
  public TerminateOnNan() {}

  @Override
  public void onAfterBackward(Context ctx) {
    double loss = ctx.lastLoss();
    if (Double.isFinite(loss) || Boolean.TRUE.equals(state.get("terminated"))) {
      return;
    }
    ctx.skipStep();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("terminated", true);
    s.put("epoch", ctx.epoch());
    s.put("step", ctx.step());
    s.put("reason", "the training loss was " + loss + " in epoch " + ctx.epoch() + ", batch " + ctx.step()
        + "; that batch's step was skipped and the run stopped after the epoch");
    state = s;
    ctx.terminate((String) s.get("reason"));
  }

  @Override
  public void onBegin(Context ctx) {
    if (Boolean.TRUE.equals(state.get("terminated"))) {
      // Resumed from a checkpoint of a run this callback stopped: stop again, train nothing more.
      ctx.terminate((String) state.get("reason"));
    }
  }

  @Override
  public void onBatchBegin(Context ctx) {
    if (Boolean.TRUE.equals(state.get("terminated"))) {
      ctx.skipStep();
    }
  }

  @Override
  public Object stateDict() {
    return state;
  }

  @Override
  public void loadStateDict(Object saved) {
    Map<String, Object> s = new LinkedHashMap<>();
    ((Map<?, ?>) saved).forEach((k, v) -> s.put((String) k, v));
    state = s;
  }
}
