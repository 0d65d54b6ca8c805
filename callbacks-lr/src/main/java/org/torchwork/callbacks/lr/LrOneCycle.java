package org.torchwork.callbacks.lr;

import java.util.Locale;
import org.torchwork.api.Context;
import org.torchwork.api.TorchworkException;

/**
 * {@code lr_one_cycle}: the 1cycle policy ({@code torch.optim.lr_scheduler.OneCycleLR}), stepping
 * every batch. The rate rises from {@code max_lr / div_factor} to {@code max_lr} over the first
 * {@code pct_start} of the run, then falls to {@code max_lr / div_factor / final_div_factor},
 * along a cosine or a line ({@code anneal_strategy}). The number of steps is taken from the run:
 * epochs times batches per epoch.
 *
 * <p>Unlike mlr3torch it does not cycle momentum: the loop's optimizers keep their momentum
 * constant.
 */
public final class LrOneCycle extends LrSchedule {
  private final double maxLr;
  private final double pctStart;
  private final boolean cosine;
  private final double divFactor;
  private final double finalDivFactor;

  /**
   * Creates the schedule.
   *
   * @param maxLr the peak learning rate
   * @param pctStart the share of steps spent rising
   * @param annealStrategy {@code cos} or {@code linear}
   * @param divFactor initial rate = max_lr / div_factor
   * @param finalDivFactor final rate = initial rate / final_div_factor
   */
  public LrOneCycle(double maxLr, double pctStart, String annealStrategy, double divFactor, double finalDivFactor) {
    this.maxLr = maxLr;
    this.pctStart = pctStart;
    this.cosine = annealStrategy.toLowerCase(Locale.ROOT).equals("cos");
    this.divFactor = divFactor;
    this.finalDivFactor = finalDivFactor;
  }

  @Override
  public void onBatchBegin(Context ctx) {
    int perEpoch = ctx.batches();
    long total = (long) ctx.totalEpochs() * perEpoch;
    if (ctx.globalStep() > total) {
      throw new TorchworkException("lr_one_cycle planned " + total + " steps (" + ctx.totalEpochs() + " epochs of " + perEpoch
          + " batches) but the run is at step " + ctx.globalStep() + ". Use it with the run's final number of epochs.");
    }
    double initial = maxLr / divFactor;
    double end = initial / finalDivFactor;
    double up = pctStart * total - 1;
    double step = ctx.globalStep() - 1;
    double rate = step <= up
        ? anneal(initial, maxLr, up <= 0 ? 1 : step / up)
        : anneal(maxLr, end, (step - up) / Math.max(1, total - 1 - up));
    ctx.setLearningRate(rate);
  }

  private double anneal(double from, double to, double pct) {
    return cosine ? to + (from - to) / 2 * (Math.cos(Math.PI * pct) + 1) : from + (to - from) * pct;
  }
}
