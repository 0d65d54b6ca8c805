package org.torchwork.callbacks.lr;

import java.util.Map;
import java.util.Optional;
import org.torchwork.api.Context;
import org.torchwork.api.Monitor;
import org.torchwork.api.TorchworkException;

/**
 * {@code lr_reduce_on_plateau}: multiplies the learning rate by {@code factor} when the monitored
 * quantity ({@code monitor}: by default the first validation measure; any measure, the training
 * loss or a published value) has not improved for {@code patience} checks
 * ({@code torch.optim.lr_scheduler.ReduceLROnPlateau}). A validation measure is checked in
 * {@code on_valid_end}, anything else in {@code on_epoch_end}; epochs without a value are skipped.
 * Besides mlr3torch's {@code min}/{@code max}, {@code mode=auto} (the default) follows the
 * measure's own direction, so an accuracy is not minimized by mistake.
 *
 * <p>State: the best score, the validations without improvement, the cooldown left.
 */
public final class LrReduceOnPlateau extends LrSchedule {
  private final String quantity;
  private final String mode;
  private final double factor;
  private final int patience;
  private final double threshold;
  private final boolean relative;
  private final int cooldown;
  private final double minLr;
  private final double eps;
  private Double best;
  private int bad;
  private int cooldownLeft;
  private Monitor monitor;

  /**
   * Creates the schedule.
   *
   * @param quantity what to watch, or null for the first validation measure
   * @param mode {@code auto}, {@code min} or {@code max}
   * @param factor the factor to reduce by
   * @param patience validations without improvement before reducing
   * @param threshold how much counts as an improvement
   * @param thresholdMode {@code rel} or {@code abs}
   * @param cooldown validations to wait after a reduction
   * @param minLr the smallest learning rate
   * @param eps reductions smaller than this are skipped
   */
  public LrReduceOnPlateau(String quantity, String mode, double factor, int patience, double threshold, String thresholdMode,
      int cooldown, double minLr, double eps) {
    this.quantity = quantity;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.relative = thresholdMode.equals("rel");
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.eps = eps;
  }

  @Override
  public void onBegin(Context ctx) {
    super.onBegin(ctx);
    if (quantity == null && (ctx.measuresValid().isEmpty() || ctx.taskValid().isEmpty())) {
      throw new TorchworkException("lr_reduce_on_plateau watches the first validation measure unless cb.lr_reduce_on_plateau"
          + ".monitor is set, but the run has " + (ctx.taskValid().isEmpty() ? "no validation data" : "no measures_valid")
          + ". Set validate=<ratio> and measures_valid=<measure>, e.g. validate=0.3 measures_valid=classif.ce; or monitor"
          + " another quantity, e.g. cb.lr_reduce_on_plateau.monitor=train.loss.");
    }
    String watched = quantity != null ? quantity : "valid." + ctx.measuresValid().get(0).id();
    monitor = Monitor.of(watched, mode, 0, "cb.lr_reduce_on_plateau").check(ctx);
  }

  @Override
  public void onValidEnd(Context ctx) {
    if (monitor.due(ctx)) {
      check(ctx);
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (monitor.due(ctx)) {
      check(ctx);
    }
  }

  private void check(Context ctx) {
    Optional<Double> value = monitor.value(ctx);
    if (value.isEmpty()) {
      return;
    }
    double score = value.get();
    boolean minimize = monitor.minimize();
    if (best == null || better(score, best, minimize)) {
      best = score;
      bad = 0;
    } else {
      bad++;
    }
    if (cooldownLeft > 0) {
      cooldownLeft--;
      bad = 0;
    }
    if (bad > patience) {
      double old = ctx.learningRate();
      double reduced = Math.max(old * factor, minLr);
      if (old - reduced > eps) {
        ctx.setLearningRate(reduced);
      }
      cooldownLeft = cooldown;
      bad = 0;
    }
  }

  private boolean better(double score, double best, boolean minimize) {
    if (minimize) {
      return relative ? score < best * (1 - threshold) : score < best - threshold;
    }
    return relative ? score > best * (1 + threshold) : score > best + threshold;
  }

  @Override
  protected void saveState(Map<String, Object> state) {
    state.put("best", best);
    state.put("num_bad", bad);
    state.put("cooldown_left", cooldownLeft);
  }

  @Override
  protected void loadState(Map<?, ?> state) {
    best = state.get("best") == null ? null : number(state, "best");
    bad = (int) number(state, "num_bad");
    cooldownLeft = (int) number(state, "cooldown_left");
  }
}
