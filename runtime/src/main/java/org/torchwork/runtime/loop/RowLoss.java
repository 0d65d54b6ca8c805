package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchLoss;
import org.torchwork.runtime.builtin.BuiltinLosses;

/**
 * A run's loss as DJL's {@link Loss} (what {@code ctx.loss()} returns): a {@link TorchLoss}'s rows,
 * reduced to the batch's loss. Without weights that is the rows' mean; when a batch's labels hold
 * the rows' weights as a second array, it is their weighted mean {@code sum(w_i l_i) / sum(w_i)},
 * as PyTorch's losses reduce with {@code weight=}, so a row of weight 2 trains as the row twice. A
 * batch whose rows all weigh 0 has loss 0 and no gradient.
 */
final class RowLoss extends Loss {
  /** The least weight sum divided by: a batch of weights 0 has loss 0, not 0/0. */
  private static final float LEAST_SUM = Float.MIN_NORMAL;

  private final TorchLoss loss;
  private final ParamValues values;

  private RowLoss(TorchLoss loss, ParamValues values) {
    super("loss");
    this.loss = loss;
    this.values = values;
  }

  /**
   * The loss a run trains with. Unweighted, the built-in defaults are DJL's own losses, as they
   * were before losses could be chosen: {@code cross_entropy} without label smoothing is its softmax
   * cross-entropy, {@code mse} its L2 loss of weight 1. Their training stays bit for bit what it
   * was, and their steps read no shapes to check the rows.
   *
   * @param loss the loss
   * @param values its checked parameters
   * @param weighted whether the training rows carry weights
   * @return the loss
   */
  static Loss of(TorchLoss loss, ParamValues values, boolean weighted) {
    if (!weighted && loss == BuiltinLosses.CROSS_ENTROPY && values.getDouble("label_smoothing") == 0) {
      return Loss.softmaxCrossEntropyLoss("loss");
    }
    if (!weighted && loss == BuiltinLosses.MSE) {
      return Loss.l2Loss("loss", 1f);
    }
    return new RowLoss(loss, values);
  }

  /** Each row's loss; the targets are the labels' first array. */
  private NDArray rows(NDList labels, NDList predictions) {
    return loss.rows(predictions.singletonOrThrow(), labels.head(), values);
  }

  /**
   * The batch's loss: the rows' mean, or their weighted mean when the labels hold weights.
   *
   * @param labels the targets, and the rows' weights when the rows are weighted
   * @param predictions the network's output
   * @return a scalar
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray rows = rows(labels, predictions);
    if (labels.size() < 2) {
      return rows.mean();
    }
    NDArray weights = labels.get(1);
    return rows.mul(weights).sum().div(weights.sum().maximum(LEAST_SUM));
  }

  /** Whether a batch's labels hold its rows' weights, which this loss then weighs the rows by. */
  boolean weighs(NDList labels) {
    return labels.size() > 1;
  }

  /**
   * A part of a weighted batch's loss: {@code sum(w_i l_i)} over the part's rows, divided by the
   * whole batch's weight sum, so that the parts' losses add up to the batch's.
   *
   * @param labels the part's targets and weights
   * @param predictions the part's output
   * @param batchWeight the whole batch's weight sum, from {@link #batchWeight}, on the part's device
   * @return a scalar
   */
  NDArray part(NDList labels, NDList predictions, NDArray batchWeight) {
    return rows(labels, predictions).mul(labels.get(1)).sum().div(batchWeight);
  }

  /** A weighted batch's weight sum, as {@link #evaluate} divides by it. */
  static NDArray batchWeight(NDList labels) {
    return labels.get(1).sum().maximum(LEAST_SUM);
  }
}
