package org.torchwork.callbacks.lr;

import java.util.function.IntToDoubleFunction;
import org.torchwork.api.TorchCallback;

/**
 * {@code lr_multiplicative}: multiplies the learning rate in force by a function of the step
 * after every step ({@code torch.optim.lr_scheduler.MultiplicativeLR}, as mlr3torch's
 * {@code lr_multiplicative}): after t steps the rate is the base rate times the factors of steps
 * 1 to t, multiplied in that order. The function comes from Java ({@link #of}) or, by id, from the
 * parameter {@code function}: a class implementing {@link IntToDoubleFunction} with a public
 * no-argument constructor.
 */
public final class LrMultiplicative extends LrSchedule {
  private final IntToDoubleFunction factor;
  private long lastSteps = -1;
  private double lastRate;

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param factor the factor applied after step t (from 1)
   */
  public LrMultiplicative(Stepping stepping, IntToDoubleFunction factor) {
    super(stepping);
    this.factor = factor;
  }

  /**
   * A {@code lr_multiplicative} descriptor for a function given in Java, stepped every epoch.
   *
   * @param factor the factor applied after epoch t (from 1)
   * @return the descriptor, to add to a learner's callbacks
   */
  public static TorchCallback of(IntToDoubleFunction factor) {
    return TorchCallback.builder("lr_multiplicative", LrMultiplicative.class).label("Multiplicative learning rate")
        .build(p -> new LrMultiplicative(Stepping.EPOCHS, factor));
  }

  @Override
  protected double rate(long t) {
    // Step by step, the product grows by one factor; otherwise (a resumed run, a simulation) it is made afresh.
    double rate;
    if (t == lastSteps + 1 && lastSteps >= 0) {
      rate = lastRate * factor.applyAsDouble(Math.toIntExact(t));
    } else {
      rate = baseLr;
      for (int i = 1; i <= t; i++) {
        rate *= factor.applyAsDouble(i);
      }
    }
    lastSteps = t;
    lastRate = rate;
    return rate;
  }
}
