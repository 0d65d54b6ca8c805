package org.torchwork.api;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.torchwork.api.internal.Names;

/**
 * A quantity a callback watches — a training or validation measure, the training loss, the
 * learning rate or a published value ({@link Context#quantities()}) — with the direction in which
 * it improves and the least change that counts. Early stopping, {@code lr_reduce_on_plateau} and
 * {@code checkpoint} use it; a plugin's callback can too:
 *
 * <pre>{@code
 * Monitor monitor = Monitor.of(p.getString("monitor"), p.getString("mode"), p.getDouble("min_delta"), "cb.my_cb");
 * // in on_begin: fails before training when the run never produces it
 * monitor.check(ctx);
 * // later: the epoch's value, if produced yet
 * monitor.value(ctx).ifPresent(v -> { if (monitor.improves(v, best)) best = v; });
 * }</pre>
 */
@ApiStatus(value = ApiStatus.Status.EXPERIMENTAL, since = "0.1")
public final class Monitor {
  private final String quantity;
  private final String mode;
  private final double minDelta;
  private final String owner;
  private Boolean minimize;

  private Monitor(String quantity, String mode, double minDelta, String owner) {
    this.quantity = quantity;
    this.mode = mode;
    this.minDelta = minDelta;
    this.owner = owner;
  }

  /**
   * A monitor, checked against a run later ({@link #check}).
   *
   * @param quantity what to watch, e.g. {@code valid.classif.ce}, {@code train.loss} or
   *     {@code grad_clip.grad_norm}
   * @param mode {@code min}, {@code max}, or {@code auto}: a measure's own direction, lower for the
   *     training loss
   * @param minDelta the least change that counts as an improvement (0 or more)
   * @param owner how messages name the parameters, e.g. {@code cb.checkpoint} (then
   *     {@code cb.checkpoint.monitor}), or empty for learner parameters
   * @return the monitor
   * @throws TorchworkException for an unknown mode or a negative {@code minDelta}
   */
  public static Monitor of(String quantity, String mode, double minDelta, String owner) {
    String prefix = owner == null || owner.isEmpty() ? "" : owner + ".";
    if (!List.of("min", "max", "auto").contains(mode)) {
      throw new TorchworkException("Parameter '" + prefix + "mode' is '" + mode + "'; it is min, max or auto.");
    }
    if (!(minDelta >= 0)) {
      throw new TorchworkException("Parameter '" + prefix + "min_delta' is " + minDelta + "; it must be 0 or more.");
    }
    return new Monitor(quantity, mode, minDelta, prefix);
  }

  /**
   * Checks that the run produces the quantity and settles the direction; call it in
   * {@code on_begin}, so that a wrong name stops the run before training.
   *
   * @param ctx the run's context
   * @return this monitor
   * @throws TorchworkException naming the quantities the run produces, or asking for a mode
   */
  public Monitor check(Context ctx) {
    List<String> produced = ctx.quantities();
    if (!produced.contains(quantity)) {
      String hint = quantity.startsWith("valid.") ? " Validation measures come from measures_valid=<measure>, e.g."
          + " measures_valid=classif.acc, with validation data (validate=<ratio>)."
          : quantity.startsWith("train.") ? " Training measures come from measures_train=<measure>, e.g."
              + " measures_train=classif.acc." : "";
      throw new TorchworkException("Parameter '" + owner + "monitor' is '" + quantity + "', which this run never produces."
          + Names.didYouMean(quantity, produced) + " It produces: " + String.join(", ", produced) + "." + hint);
    }
    if (!mode.equals("auto")) {
      minimize = mode.equals("min");
      return this;
    }
    if (quantity.equals("train.loss")) {
      minimize = true;
      return this;
    }
    Optional<Measure> measure = measure(ctx);
    if (measure.isEmpty()) {
      throw new TorchworkException("Parameter '" + owner + "mode' is auto, which cannot tell whether " + quantity + " should be"
          + " low or high. Set " + owner + "mode=min or " + owner + "mode=max.");
    }
    minimize = measure.get().minimize();
    return this;
  }

  private Optional<Measure> measure(Context ctx) {
    if (quantity.startsWith("train.")) {
      return ctx.measuresTrain().stream().filter(m -> quantity.equals("train." + m.id())).findFirst();
    }
    if (quantity.startsWith("valid.")) {
      return ctx.measuresValid().stream().filter(m -> quantity.equals("valid." + m.id())).findFirst();
    }
    return Optional.empty();
  }

  /**
   * The quantity's value in the current epoch, if produced yet ({@link Context#quantity}).
   *
   * @param ctx the run's context
   * @return the value; empty before it is produced, in epochs that do not evaluate it, or NaN
   */
  public Optional<Double> value(Context ctx) {
    return ctx.quantity(quantity).filter(v -> !v.isNaN());
  }

  /**
   * Whether this stage is where the quantity is checked: {@code on_valid_end} for a validation
   * measure (each validation), {@code on_epoch_end} for anything else (every epoch). A callback
   * that watches the monitor implements both stages and checks when this says so.
   *
   * @param ctx the run's context
   * @return true in the stage where the quantity's epoch value is final
   */
  public boolean due(Context ctx) {
    return ctx.stage() == (quantity.startsWith("valid.") ? Stage.ON_VALID_END : Stage.ON_EPOCH_END);
  }

  /**
   * Whether a value improves on the best so far by more than {@code min_delta}.
   *
   * @param value the new value
   * @param best the best so far, or null when there is none
   * @return true when it is better
   * @throws IllegalStateException before {@link #check}
   */
  public boolean improves(double value, Double best) {
    if (best == null) {
      return true;
    }
    return minimize() ? value < best - minDelta : value > best + minDelta;
  }

  /**
   * Whether lower values are better.
   *
   * @return true for a quantity to minimize
   * @throws IllegalStateException before {@link #check}
   */
  public boolean minimize() {
    if (minimize == null) {
      throw new IllegalStateException("Monitor of " + quantity + " is not checked yet: call check(ctx) in on_begin.");
    }
    return minimize;
  }

  /**
   * The quantity's name.
   *
   * @return the name
   */
  public String quantity() {
    return quantity;
  }

  /**
   * The least change that counts as an improvement.
   *
   * @return the change, 0 or more
   */
  public double minDelta() {
    return minDelta;
  }

  @Override
  public String toString() {
    return quantity + " (" + (minimize == null ? mode : minimize ? "min" : "max")
        + (minDelta > 0 ? ", min_delta " + String.format(Locale.ROOT, "%s", minDelta) : "") + ")";
  }
}
