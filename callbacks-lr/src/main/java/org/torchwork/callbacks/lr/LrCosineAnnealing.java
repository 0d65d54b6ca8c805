package org.torchwork.callbacks.lr;

/**
 * {@code lr_cosine_annealing}: anneals the learning rate from the base rate to {@code eta_min}
 * along a cosine over {@code T_max} steps, then back up, as
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} (its closed form); {@code eta_min=0} reaches
 * 0. Steps are epochs unless {@code step_per=batch}.
 */
public final class LrCosineAnnealing extends LrSchedule {
  private final int tMax;
  private final double etaMin;

  /**
   * Creates the schedule, stepped every epoch.
   *
   * @param tMax epochs of a half cosine period
   * @param etaMin the smallest learning rate
   */
  public LrCosineAnnealing(int tMax, double etaMin) {
    this(Stepping.EPOCHS, tMax, etaMin);
  }

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param tMax steps of a half cosine period
   * @param etaMin the smallest learning rate
   */
  public LrCosineAnnealing(Stepping stepping, int tMax, double etaMin) {
    super(stepping);
    this.tMax = tMax;
    this.etaMin = etaMin;
  }

  @Override
  protected double rate(long t) {
    return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
  }
}
