package org.torchwork.callbacks.lr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Param;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchCallback;

/**
 * A schedule that sets the learning rate from the rate the run started with. The base rate is
 * taken in {@code on_begin} of a fresh run and kept as state, so a resumed run (whose rate in
 * force has already been changed) scales the original base rate, not the current one.
 *
 * <p>A schedule is a function of the steps taken, {@link #rate(long)}: the rate PyTorch's
 * scheduler of the same name gives after {@code t} calls of {@code scheduler.step()}. The base
 * class steps it after every epoch ({@code step_per=epoch}) or every batch
 * ({@code step_per=batch}), sets the rate for step 0 when the run starts, and puts an optional
 * warm-up in front ({@code warmup_steps}, {@code warmup_method}, {@code warmup_factor}): during the
 * first {@code warmup_steps} steps the rate rises linearly from {@code warmup_factor} times the
 * base rate ({@code torch.optim.lr_scheduler.LinearLR}), or stays at that fraction
 * ({@code ConstantLR}); then the schedule runs from its own step 0, as {@code SequentialLR} of the
 * two with the milestone {@code warmup_steps}.
 */
public abstract class LrSchedule extends CallbackSet {
  /** The learning rate the run started with; null until {@code on_begin}. */
  protected Double baseLr;
  private final Stepping stepping;

  /**
   * How a schedule steps and warms up.
   *
   * @param perBatch step after every batch instead of every epoch
   * @param warmupSteps steps of warm-up before the schedule starts; 0 for none
   * @param linearWarmup rise linearly during the warm-up (else stay at the warm-up factor)
   * @param warmupFactor the fraction of the base rate the warm-up starts at
   */
  public record Stepping(boolean perBatch, int warmupSteps, boolean linearWarmup, double warmupFactor) {
    /** Every epoch, no warm-up. */
    public static final Stepping EPOCHS = new Stepping(false, 0, true, 1.0 / 3);

    /**
     * The stepping a schedule's parameters set ({@link #params}).
     *
     * @param p the callback's parameter values
     * @return the stepping
     */
    public static Stepping of(ParamValues p) {
      return new Stepping(p.getString("step_per").equals("batch"), p.getInt("warmup_steps"),
          p.getString("warmup_method").equals("linear"), p.getDouble("warmup_factor"));
    }

    /**
     * Adds the stepping parameters to a schedule's descriptor: {@code step_per},
     * {@code warmup_steps}, {@code warmup_method} and {@code warmup_factor}.
     *
     * @param b the descriptor's builder
     * @param per the default of {@code step_per}: {@code epoch} or {@code batch}
     * @param <T> the callback class
     * @return the builder
     */
    public static <T extends CallbackSet> TorchCallback.Builder<T> params(TorchCallback.Builder<T> b, String per) {
      return b.param(Param.choice("step_per", "epoch", "batch").defaultValue(per)
              .description("step the schedule after every epoch or every batch; its step counts are in that unit"))
          .param(Param.integer("warmup_steps").min(0).defaultValue(0)
              .description("steps (in step_per units) of warm-up before the schedule starts; 0 for none"))
          .param(Param.choice("warmup_method", "linear", "constant").defaultValue("linear")
              .description("linear: rise from warmup_factor times the base rate to it (LinearLR); constant: stay at that"
                  + " fraction (ConstantLR)"))
          .param(Param.number("warmup_factor").greaterThan(0).max(1).defaultValue(1.0 / 3)
              .description("the fraction of the base rate the warm-up starts at"));
    }
  }

  /** Creates a schedule stepped every epoch, without warm-up. */
  protected LrSchedule() {
    this(Stepping.EPOCHS);
  }

  /**
   * Creates a schedule.
   *
   * @param stepping how it steps and warms up
   */
  protected LrSchedule(Stepping stepping) {
    this.stepping = stepping;
  }

  /**
   * The learning rate after {@code t} steps of the schedule itself (the warm-up not counted),
   * from {@link #baseLr}.
   *
   * @param t the steps taken, from 0
   * @return the rate; NaN for a schedule that does not set the rate by steps (it then sets it
   *     itself, as {@code lr_reduce_on_plateau} does)
   */
  protected double rate(long t) {
    return Double.NaN;
  }

  /**
   * The momentum after {@code t} steps, for schedules that cycle it.
   *
   * @param t the steps taken, from 0
   * @return the momentum, or NaN to leave it as it is
   */
  protected double momentum(long t) {
    return Double.NaN;
  }

  /**
   * The rate, warm-up included, after {@code t} steps: what the schedule sets.
   *
   * @param t the steps taken, from 0
   * @return the rate, or NaN when the schedule does not set it by steps
   */
  public final double rateAt(long t) {
    int w = stepping.warmupSteps();
    if (t < w) {
      double factor = stepping.linearWarmup()
          ? stepping.warmupFactor() + (1 - stepping.warmupFactor()) * t / w
          : stepping.warmupFactor();
      return baseLr * factor;
    }
    return rate(t - w);
  }

  /**
   * How the schedule steps and warms up.
   *
   * @return the stepping
   */
  public final Stepping stepping() {
    return stepping;
  }

  @Override
  public void onBegin(Context ctx) {
    if (baseLr == null) {
      baseLr = ctx.learningRate();
    }
    // Step 0 when the run starts; a resumed run sets its step's values again (the momentum is
    // not in the checkpoint), which for the rate are the ones it was saved with.
    apply(ctx, steps(ctx));
  }

  @Override
  public void onBatchEnd(Context ctx) {
    if (stepping.perBatch()) {
      apply(ctx, ctx.globalStep());
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (!stepping.perBatch()) {
      apply(ctx, ctx.epoch());
    }
  }

  /** The steps the run has taken, in the schedule's unit: a run resumed inside an epoch has not finished it. */
  private long steps(Context ctx) {
    return stepping.perBatch() ? ctx.globalStep() : ctx.step() > 0 ? ctx.epoch() - 1 : ctx.epoch();
  }

  private void apply(Context ctx, long t) {
    double rate = rateAt(t);
    if (!Double.isNaN(rate)) {
      ctx.setLearningRate(rate);
    }
    long own = t - stepping.warmupSteps();
    double momentum = own >= 0 ? momentum(own) : momentum(0);
    if (!Double.isNaN(momentum)) {
      ctx.setMomentum(momentum);
    }
  }

  /**
   * Extra state of a subclass.
   *
   * @param state add entries here
   */
  protected void saveState(Map<String, Object> state) {}

  /**
   * Restores a subclass's extra state.
   *
   * @param state what {@link #saveState} wrote
   */
  protected void loadState(Map<?, ?> state) {}

  @Override
  public final Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("base_lr", baseLr);
    saveState(state);
    return state;
  }

  @Override
  public final void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    Object base = map.get("base_lr");
    baseLr = base == null ? null : ((Number) base).doubleValue();
    loadState(map);
  }

  /**
   * A number from a state map.
   *
   * @param state the map
   * @param key the key
   * @return the number as a double
   */
  protected static double number(Map<?, ?> state, String key) {
    return ((Number) state.get(key)).doubleValue();
  }

  /**
   * Plans the schedule for a run's length, before its first step; schedules that depend on it
   * (the 1cycle policy) override this.
   *
   * @param epochs the run's epochs
   * @param batches the batches per epoch
   */
  protected void plan(int epochs, int batches) {}

  /**
   * The rates a run of a given length gets, without training ({@code torchwork schedule
   * --simulate}): the rate of each of its steps, in the schedule's unit.
   *
   * @param base the run's base rate ({@code opt.lr})
   * @param epochs the run's epochs
   * @param batches the batches per epoch
   * @return the rate in force during each step (an epoch, or a batch with {@code step_per=batch});
   *     empty for a schedule that does not set the rate by steps
   */
  public final List<Double> simulate(double base, int epochs, int batches) {
    plan(epochs, batches);
    int steps = stepping.perBatch() ? epochs * batches : epochs;
    Double saved = baseLr;
    baseLr = saved == null ? base : saved;
    try {
      if (Double.isNaN(rateAt(0))) {
        return List.of();
      }
      List<Double> out = new java.util.ArrayList<>(steps);
      for (int t = 0; t < steps; t++) {
        out.add(rateAt(t));
      }
      return out;
    } finally {
      baseLr = saved;
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + " (" + (stepping.perBatch() ? "per batch" : "per epoch")
        + (stepping.warmupSteps() > 0 ? String.format(Locale.ROOT, ", %d warm-up step(s)", stepping.warmupSteps()) : "") + ")";
  }
}
