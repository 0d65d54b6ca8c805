package org.torchwork.callbacks.lr;

/**
 * {@code lr_exponential}: multiplies the learning rate by {@code gamma} every step
 * ({@code torch.optim.lr_scheduler.ExponentialLR}); steps are epochs unless {@code step_per=batch}.
 */
public final class LrExponential extends LrSchedule {
  private final double gamma;

  /**
   * Creates the schedule, stepped every epoch.
   *
   * @param gamma the factor per epoch
   */
  public LrExponential(double gamma) {
    this(Stepping.EPOCHS, gamma);
  }

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param gamma the factor per step
   */
  public LrExponential(Stepping stepping, double gamma) {
    super(stepping);
    this.gamma = gamma;
  }

  @Override
  protected double rate(long t) {
    return baseLr * Math.pow(gamma, t);
  }
}
