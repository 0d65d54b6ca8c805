package org.torchwork.runtime.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;

/** Pieces the built-in tabular networks share. */
final class Layers {
  /** PyTorch's default for nn.Linear weights (kaiming uniform, a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  static final Initializer LINEAR = new XavierInitializer(RandomType.UNIFORM, FactorType.IN, 1);

  private Layers() {}

  /**
   * A block that turns each row of a tensor (an image) into a flat row, for networks of flat rows;
   * nothing for rows that are flat already.
   *
   * @param net the network to start with it
   * @param shape the rows' shape
   */
  static void flattenTensors(ai.djl.nn.SequentialBlock net, org.torchwork.api.spi.NetworkShape shape) {
    if (shape.tensors()) {
      net.add(ai.djl.nn.Blocks.batchFlattenBlock());
    }
  }

  /**
   * Refuses rows of tensors (images) for a network of table columns.
   *
   * @param shape the rows' shape
   * @param learner the learner, for the message
   */
  static void requireFlat(org.torchwork.api.spi.NetworkShape shape, String learner) {
    if (shape.tensors()) {
      throw new org.torchwork.api.TorchworkException("Learner '" + learner + "' takes the columns of a table, but the task's rows"
          + " are tensors of shape " + shape.dims() + " (images). Use a learner for images, e.g. classif.cnn, or classif.mlp"
          + " (which flattens them).");
    }
  }

  /**
   * A linear layer with PyTorch's default weights and a zero bias, as {@code classif.mlp}'s.
   *
   * @param units the outputs
   * @return the layer
   */
  static Linear linear(long units) {
    Linear linear = Linear.builder().setUnits(units).build();
    linear.setInitializer(LINEAR, Parameter.Type.WEIGHT);
    return linear;
  }

  /**
   * Dropout while training; nothing when predicting or at rate 0. (A function rather than a child
   * block, so that the rate never changes the names of a network's parameters.)
   *
   * @param x the values
   * @param rate the probability of dropping each
   * @param training whether the pass trains
   * @return the values, some zeroed and the rest scaled up when training
   */
  static NDArray dropout(NDArray x, double rate, boolean training) {
    return training && rate > 0 ? Dropout.dropout(x, (float) rate, true).singletonOrThrow() : x;
  }
}
