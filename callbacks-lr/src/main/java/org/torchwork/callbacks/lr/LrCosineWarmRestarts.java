package org.torchwork.callbacks.lr;

/**
 * {@code lr_cosine_warm_restarts}: cosine annealing from the base rate to {@code eta_min} over
 * {@code T_0} steps, then a restart at the base rate, each period {@code T_mult} times longer than
 * the one before ({@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts}, stepped without an
 * epoch argument). Steps are epochs unless {@code step_per=batch}.
 */
public final class LrCosineWarmRestarts extends LrSchedule {
  private final long t0;
  private final long tMult;
  private final double etaMin;

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param t0 steps of the first period
   * @param tMult how many times longer each period is than the one before (1 or more)
   * @param etaMin the smallest learning rate
   */
  public LrCosineWarmRestarts(Stepping stepping, int t0, int tMult, double etaMin) {
    super(stepping);
    this.t0 = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
  }

  @Override
  protected double rate(long t) {
    // As PyTorch counts: T_cur grows by one a step; at the period's end it wraps and the period grows.
    long tCur = t;
    long tI = t0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= tMult;
    }
    return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
  }
}
