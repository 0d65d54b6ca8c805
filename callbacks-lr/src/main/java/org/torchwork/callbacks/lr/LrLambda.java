package org.torchwork.callbacks.lr;

import java.util.function.IntToDoubleFunction;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;

/**
 * {@code lr_lambda}: sets the learning rate to the base rate times a function of the epoch
 * ({@code torch.optim.lr_scheduler.LambdaLR}), after each epoch. The function comes from Java
 * code:
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
   * Creates the schedule.
   *
   * @param factor the factor of the base rate, by epoch (1-based, the epoch just finished)
   */
  public LrLambda(IntToDoubleFunction factor) {
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
  public void onEpochEnd(Context ctx) {
    ctx.setLearningRate(baseLr * factor.applyAsDouble(ctx.epoch()));
  }
}
