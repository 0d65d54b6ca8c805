package org.torchwork.callbacks.lr;

import org.torchwork.api.Context;
import org.torchwork.api.TorchworkException;

/**
 * {@code lr_cyclic}: cycles the learning rate between the base rate and {@code max_lr}
 * ({@code torch.optim.lr_scheduler.CyclicLR}), rising over {@code step_size_up} steps and falling
 * over {@code step_size_down} (by default as many), every batch unless {@code step_per=epoch}.
 * {@code mode}: {@code triangular} (the same height every cycle), {@code triangular2} (half the
 * height each cycle) or {@code exp_range} (the height times {@code gamma} per step). With
 * {@code cycle_momentum} (the default, as in PyTorch) the momentum (SGD's, or Adam's first beta)
 * moves the other way, between {@code max_momentum} and {@code base_momentum}.
 */
public final class LrCyclic extends LrSchedule {
  private final Double lowLr;
  private final double maxLr;
  private final double up;
  private final double total;
  private final String mode;
  private final double gamma;
  private final boolean cycleMomentum;
  private final double baseMomentum;
  private final double maxMomentum;

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param lowLr the lower rate; null for the run's base rate
   * @param maxLr the upper rate
   * @param stepSizeUp steps of the rise
   * @param stepSizeDown steps of the fall; null for as many as the rise
   * @param mode {@code triangular}, {@code triangular2} or {@code exp_range}
   * @param gamma the factor per step of {@code exp_range}
   * @param cycleMomentum whether to cycle the momentum inversely to the rate
   * @param baseMomentum the lowest momentum, at the upper rate
   * @param maxMomentum the highest momentum, at the lower rate
   */
  public LrCyclic(Stepping stepping, Double lowLr, double maxLr, int stepSizeUp, Integer stepSizeDown, String mode, double gamma,
      boolean cycleMomentum, double baseMomentum, double maxMomentum) {
    super(stepping);
    this.lowLr = lowLr;
    this.maxLr = maxLr;
    this.up = stepSizeUp;
    this.total = stepSizeUp + (stepSizeDown == null ? stepSizeUp : stepSizeDown);
    this.mode = mode;
    this.gamma = gamma;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentum = baseMomentum;
    this.maxMomentum = maxMomentum;
  }

  @Override
  public void onBegin(Context ctx) {
    if (cycleMomentum) {
      try {
        ctx.setMomentum(ctx.momentum());
      } catch (IllegalArgumentException e) {
        throw new TorchworkException("lr_cyclic cycles the momentum (cb.lr_cyclic.cycle_momentum=true), but " + e.getMessage()
            + " Or set cb.lr_cyclic.cycle_momentum=false.", e);
      }
    }
    super.onBegin(ctx);
    long steps = stepping().perBatch() ? (long) ctx.totalEpochs() * ctx.batches() : ctx.totalEpochs();
    if (steps < up) {
      ctx.out().println(String.format(java.util.Locale.ROOT, "lr_cyclic: the run has %d step(s), fewer than the %.0f of a"
          + " rise (step_size_up): the rate reaches only %.0f%% of the way to max_lr. Lower cb.lr_cyclic.step_size_up.", steps,
          up, 100.0 * steps / up));
    }
  }

  /** How far into its cycle step t is, from 0 at the lower rate to 1 at the upper. */
  private double scaleFactor(long t) {
    double cycle = Math.floor(1 + t / total);
    double x = 1.0 + t / total - cycle;
    double ratio = up / total;
    return x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
  }

  private double scale(long t) {
    double cycle = Math.floor(1 + t / total);
    switch (mode) {
      case "triangular2":
        return 1 / Math.pow(2.0, cycle - 1);
      case "exp_range":
        return Math.pow(gamma, t);
      default:
        return 1.0;
    }
  }

  @Override
  protected double rate(long t) {
    double low = lowLr == null ? baseLr : lowLr;
    return low + (maxLr - low) * scaleFactor(t) * scale(t);
  }

  @Override
  protected double momentum(long t) {
    return cycleMomentum ? maxMomentum - (maxMomentum - baseMomentum) * scaleFactor(t) * scale(t) : Double.NaN;
  }
}
