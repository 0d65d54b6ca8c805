package org.torchwork.callbacks.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.api.Context;

/**
 * {@code swa}: stochastic weight averaging (Izmailov et al. 2018; PyTorch's
 * {@code torch.optim.swa_utils}): from epoch {@code swa_start} on, the weights at the end of each
 * epoch are averaged with equal weight ({@code avg += (weights - avg) / (n + 1)}, as
 * {@code AveragedModel}), the learning rate is held at {@code swa_lr} when it is set (a constant
 * {@code SWALR}), and training ends with the averaged weights. Written against
 * {@code org.torchwork.api} alone.
 *
 * <p>State: the epochs averaged; tensors: the average, by parameter name.
 */
public final class Swa extends WeightAverage {
  private final int swaStart;
  private final Double swaLr;
  private int averaged;

  /**
   * Creates the average.
   *
   * @param swaStart the first epoch averaged
   * @param swaLr the learning rate from {@code swa_start} on, or null to leave it
   */
  public Swa(int swaStart, Double swaLr) {
    this.swaStart = swaStart;
    this.swaLr = swaLr;
  }

  @Override
  public void onBegin(Context ctx) {
    if (averaged > 0 && average.isEmpty()) {
      throw missing("swa", averaged + " averaged epoch(s)");
    }
  }

  @Override
  public void onEpochBegin(Context ctx) {
    if (swaLr != null && ctx.epoch() >= swaStart) {
      ctx.setLearningRate(swaLr);
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (ctx.epoch() < swaStart) {
      return;
    }
    if (averaged == 0) {
      start(ctx);
    } else {
      include(ctx, averaged);
    }
    averaged++;
  }

  @Override
  public void onEnd(Context ctx) {
    if (averaged > 0) {
      apply(ctx);
    }
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("averaged", averaged);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    averaged = ((Number) ((Map<?, ?>) state).get("averaged")).intValue();
  }
}
