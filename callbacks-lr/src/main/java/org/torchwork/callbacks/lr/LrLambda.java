package org.torchwork.callbacks.lr;

import java.util.function.IntToDoubleFunction;
import org.torchwork.api.TorchCallback;

/**
 * {@code lr_lambda}: sets the learning rate to the base rate times a function of the steps taken
 * ({@code torch.optim.lr_scheduler.LambdaLR}): of 0 when the run starts, then of the epochs done
 * after each epoch (or of the batches done, with {@code step_per=batch}). The function comes from
 * Java code:
 *
 * <pre>{@code
 * learner.callbacks(LrLambda.of(epoch -> Math.pow(0.95, epoch)));
 * }</pre>
 *
 * or, by id, from the parameter {@code function}: the name of a class implementing
 * {@link IntToDoubleFunction} with a public no-argument constructor, visible to the application
 * class loader.
 */
public final class LrLambda extends LrSchedule {
  private final IntToDoubleFunction factor;

  /**
   * Creates the schedule, stepped every epoch.
   *
   * @param factor the factor of the base rate, by epochs done (0 when the run starts)
   */
  public LrLambda(IntToDoubleFunction factor) {
    this(Stepping.EPOCHS, factor);
  }

  /**
   * Creates the schedule.
   *
   * @param stepping how it steps and warms up
   * @param factor the factor of the base rate, by steps done
   */
  public LrLambda(Stepping stepping, IntToDoubleFunction factor) {
    super(stepping);
    this.factor = factor;
  }

  /**
   * A {@code lr_lambda} descriptor for a function given in Java.
   *
   * @param factor the factor of the base rate, by epoch
   * @return the descriptor, to add to a learner's callbacks
   */
  public static TorchCallback of(IntToDoubleFunction factor) {
    return TorchCallback.builder("lr_lambda", LrLambda.class).label("Lambda learning rate").build(p -> new LrLambda(factor));
  }

  @Override
  protected double rate(long t) {
    return baseLr * factor.applyAsDouble(Math.toIntExact(t));
  }
}
