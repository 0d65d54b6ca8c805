package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import java.lang.reflect.Field;

/** The loop's handling of gradients, where DJL's defaults do not fit it. */
public final class Gradients {
  private static final NDIndex ALL = new NDIndex("...");

  private Gradients() {}

  /**
   * Sets every trainable parameter's gradient to 0 before a batch's backward pass. PyTorch adds
   * gradients up across backward passes; DJL's own PyTorch optimizers zero them after each step,
   * so without this, optimizers that do not (and skipped steps) would carry gradients over.
   */
  static void zero(Block block, NDManager scope) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter.requiresGradient() && parameter.isInitialized() && parameter.getArray().hasGradient()) {
        // The handle and the temporaries of set() belong to the batch's scope and die with it.
        NDArray gradient = parameter.getArray().getGradient();
        gradient.attach(scope);
        gradient.set(ALL, 0);
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
