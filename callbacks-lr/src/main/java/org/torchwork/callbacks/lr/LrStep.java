package org.torchwork.callbacks.lr;

/**
 * {@code lr_step}: multiplies the learning rate by {@code gamma} every {@code step_size} steps
 * ({@code torch.optim.lr_scheduler.StepLR}); steps are epochs unless {@code step_per=batch}.
 */
public final class LrStep extends LrSchedule {
  private final int stepSize;
  private final double gamma;

  /**
   * Creates the schedule, stepped every epoch.
   *
   * @param stepSize epochs between decays
   * @param gamma the factor
   */
  public LrStep(int stepSize, double gamma) {
    this(Stepping.EPOCHS, stepSize, gamma);
  }

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param stepSize steps between decays
   * @param gamma the factor
   */
  public LrStep(Stepping stepping, int stepSize, double gamma) {
    super(stepping);
    this.stepSize = stepSize;
    this.gamma = gamma;
  }

  @Override
  protected double rate(long t) {
    return baseLr * Math.pow(gamma, Math.floorDiv(t, stepSize));
  }
}
