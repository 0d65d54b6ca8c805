package org.torchwork.callbacks.lr;

import org.torchwork.api.Context;

/**
 * {@code lr_step}: multiplies the learning rate by {@code gamma} every {@code step_size} epochs
 * ({@code torch.optim.lr_scheduler.StepLR}). Steps after each epoch.
 */
public final class LrStep extends LrSchedule {
  private final int stepSize;
  private final double gamma;

  /**
   * Creates the schedule.
   *
   * @param stepSize epochs between decays
   * @param gamma the factor
   */
  public LrStep(int stepSize, double gamma) {
    this.stepSize = stepSize;
    this.gamma = gamma;
  }

  @Override
  public void onEpochEnd(Context ctx) {
    ctx.setLearningRate(baseLr * Math.pow(gamma, Math.floorDiv(ctx.epoch(), stepSize)));
  }
}
