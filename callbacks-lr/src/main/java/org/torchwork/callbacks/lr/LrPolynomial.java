package org.torchwork.callbacks.lr;

/**
 * {@code lr_polynomial}: decays the learning rate to 0 over {@code total_iters} steps along
 * {@code (1 - t / total_iters) ^ power}, then keeps it at 0
 * ({@code torch.optim.lr_scheduler.PolynomialLR}). Steps are epochs unless {@code step_per=batch}.
 */
public final class LrPolynomial extends LrSchedule {
  private final int totalIters;
  private final double power;

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param totalIters the steps the decay takes
   * @param power the polynomial's power
   */
  public LrPolynomial(Stepping stepping, int totalIters, double power) {
    super(stepping);
    this.totalIters = totalIters;
    this.power = power;
  }

  @Override
  protected double rate(long t) {
    return baseLr * Math.pow(1.0 - (double) Math.min(totalIters, t) / totalIters, power);
  }
}
