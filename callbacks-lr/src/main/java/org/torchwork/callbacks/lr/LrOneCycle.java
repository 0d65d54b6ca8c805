package org.torchwork.callbacks.lr;

import java.util.Locale;
import org.torchwork.api.Context;
import org.torchwork.api.TorchworkException;

/**
 * {@code lr_one_cycle}: the 1cycle policy ({@code torch.optim.lr_scheduler.OneCycleLR}), stepping
 * every batch (or epoch, with {@code step_per=epoch}). The rate rises from
 * {@code max_lr / div_factor} to {@code max_lr} over the first {@code pct_start} of the run, then
 * falls to {@code max_lr / div_factor / final_div_factor}, along a cosine or a line
 * ({@code anneal_strategy}). The number of steps is taken from the run: epochs times batches per
 * epoch. With {@code cycle_momentum} (the default, as in PyTorch and mlr3torch) the momentum (SGD's,
 * or Adam's first beta) moves the other way, from {@code max_momentum} down to
 * {@code base_momentum} and back.
 */
public final class LrOneCycle extends LrSchedule {
  private final double maxLr;
  private final double pctStart;
  private final boolean cosine;
  private final double divFactor;
  private final double finalDivFactor;
  private final boolean cycleMomentum;
  private final double baseMomentum;
  private final double maxMomentum;
  private long total;

  /**
   * Creates the schedule, stepped every batch, with PyTorch's momentum cycle (0.85 to 0.95).
   *
   * @param maxLr the peak learning rate
   * @param pctStart the share of steps spent rising
   * @param annealStrategy {@code cos} or {@code linear}
   * @param divFactor initial rate = max_lr / div_factor
   * @param finalDivFactor final rate = initial rate / final_div_factor
   */
  public LrOneCycle(double maxLr, double pctStart, String annealStrategy, double divFactor, double finalDivFactor) {
    this(new Stepping(true, 0, true, 1.0 / 3), maxLr, pctStart, annealStrategy, divFactor, finalDivFactor, true, 0.85, 0.95);
  }

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param maxLr the peak learning rate
   * @param pctStart the share of steps spent rising
   * @param annealStrategy {@code cos} or {@code linear}
   * @param divFactor initial rate = max_lr / div_factor
   * @param finalDivFactor final rate = initial rate / final_div_factor
   * @param cycleMomentum whether to cycle the momentum inversely to the rate
   * @param baseMomentum the lowest momentum, at the peak rate
   * @param maxMomentum the highest momentum, at the start and the end
   */
  public LrOneCycle(Stepping stepping, double maxLr, double pctStart, String annealStrategy, double divFactor,
      double finalDivFactor, boolean cycleMomentum, double baseMomentum, double maxMomentum) {
    super(stepping);
    this.maxLr = maxLr;
    this.pctStart = pctStart;
    this.cosine = annealStrategy.toLowerCase(Locale.ROOT).equals("cos");
    this.divFactor = divFactor;
    this.finalDivFactor = finalDivFactor;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentum = baseMomentum;
    this.maxMomentum = maxMomentum;
  }

  @Override
  protected void plan(int epochs, int batches) {
    total = (stepping().perBatch() ? (long) epochs * batches : epochs) - stepping().warmupSteps();
  }

  @Override
  public void onBegin(Context ctx) {
    plan(ctx.totalEpochs(), ctx.batches());
    if (cycleMomentum) {
      try {
        ctx.setMomentum(ctx.momentum());
      } catch (IllegalArgumentException e) {
        throw new TorchworkException("lr_one_cycle cycles the momentum (cb.lr_one_cycle.cycle_momentum=true), but "
            + e.getMessage() + " Or set cb.lr_one_cycle.cycle_momentum=false.", e);
      }
    }
    super.onBegin(ctx);
  }

  @Override
  public void onBatchEnd(Context ctx) {
    long steps = stepping().perBatch() ? ctx.globalStep() - stepping().warmupSteps() : 0;
    if (steps > total) {
      throw new TorchworkException("lr_one_cycle planned " + total + " steps (" + ctx.totalEpochs() + " epochs of "
          + ctx.batches() + " batches) but the run is at step " + steps + ". Use it with the run's final number of epochs.");
    }
    super.onBatchEnd(ctx);
  }

  /** Where step t is: in the rise (pct, true) or the fall (pct, false). */
  private double[] phase(long t) {
    double up = pctStart * total - 1;
    return t <= up
        ? new double[] {up <= 0 ? 1 : t / up, 1}
        : new double[] {(t - up) / Math.max(1, total - 1 - up), 0};
  }

  @Override
  protected double rate(long t) {
    double initial = maxLr / divFactor;
    double end = initial / finalDivFactor;
    double[] p = phase(t);
    return p[1] == 1 ? anneal(initial, maxLr, p[0]) : anneal(maxLr, end, p[0]);
  }

  @Override
  protected double momentum(long t) {
    if (!cycleMomentum) {
      return Double.NaN;
    }
    double[] p = phase(t);
    return p[1] == 1 ? anneal(maxMomentum, baseMomentum, p[0]) : anneal(baseMomentum, maxMomentum, p[0]);
  }

  private double anneal(double from, double to, double pct) {
    return cosine ? to + (from - to) / 2 * (Math.cos(Math.PI * pct) + 1) : from + (to - from) * pct;
  }
}
