package org.torchwork.callbacks.lr;

import org.torchwork.api.Context;

/** {@code lr_exponential}: multiplies the learning rate by {@code gamma} after every epoch. */
public final class LrExponential extends LrSchedule {
  private final double gamma;

  /**
   * Creates the schedule.
   *
   * @param gamma the factor per epoch
   */
  public LrExponential(double gamma) {
    this.gamma = gamma;
  }

  @Override
  public void onEpochEnd(Context ctx) {
    ctx.setLearningRate(baseLr * Math.pow(gamma, ctx.epoch()));
  }
}
