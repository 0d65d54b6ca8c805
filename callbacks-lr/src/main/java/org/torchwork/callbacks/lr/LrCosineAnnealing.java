package org.torchwork.callbacks.lr;

import org.torchwork.api.Context;

/**
 * {@code lr_cosine_annealing}: anneals the learning rate from the base rate to {@code eta_min}
 * along a cosine over {@code T_max} epochs, then back up, as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} (closed form). Steps after each epoch.
 */
public final class LrCosineAnnealing extends LrSchedule {
  private final int tMax;
  private final double etaMin;

  /**
   * Creates the schedule.
   *
   * @param tMax epochs of a half cosine period
   * @param etaMin the smallest learning rate
   */
  public LrCosineAnnealing(int tMax, double etaMin) {
    this.tMax = tMax;
    this.etaMin = etaMin;
  }

  @Override
  public void onEpochEnd(Context ctx) {
    double rate = etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * ctx.epoch() / tMax)) / 2;
    ctx.setLearningRate(Math.max(rate, Double.MIN_NORMAL));
  }
}
