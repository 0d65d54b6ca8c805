package org.torchwork.runtime.loop;

import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import java.lang.reflect.Field;

/** The loop's handling of gradients, where DJL's defaults do not fit it. */
public final class Gradients {
  private Gradients() {}

  /**
   * Sets every trainable parameter's gradient to 0, for a batch whose update was skipped: PyTorch
   * adds gradients up across backward passes, and the optimizer's step, which zeroes them, did
   * not run.
   */
  static void zero(StepGradients gradients) {
    for (Pair<String, Parameter> p : gradients.parameters()) {
      if (StepGradients.trained(p.getValue())) {
        Optimizers.zero(gradients.of(p.getValue()));
      }
    }
  }

  /**
   * DJL's first {@code Trainer.step()} refuses to run when the sum of all gradients is exactly 0,
   * to catch a forgotten {@code backward()}. This loop always calls {@code backward()}, and for a
   * softmax output layer the gradients sum to 0 mathematically (they cancel across classes), so a
   * linear classifier trips the check by rounding, at random. The check is skipped by marking it
   * done; DJL's api module is an open automatic module, so this needs no extra flags.
   *
   * @return whether the check could be skipped (false if DJL renamed its field)
   */
  public static boolean skipSumCheck(Trainer trainer) {
    try {
      Field checked = Trainer.class.getDeclaredField("gradientsChecked");
      checked.setAccessible(true);
      checked.setBoolean(trainer, true);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
