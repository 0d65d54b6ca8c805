package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The batches' training losses, read back from the engine only when needed: the last one when a
 * callback asks for it, the others together, every {@value #GROUP} batches and whenever the
 * epoch's sum is needed. On a GPU every read is a device sync, so a step whose loss no callback
 * reads syncs nowhere. The sum is the one reading each loss as it came would give: every
 * {@code loss * batch weight}, added in batch order, in double precision. A batch's weight is its
 * number of rows, or the sum of its rows' weights when they carry weights, so that the sum divided
 * by the epoch's weight is the mean loss of its rows, weighted like the batches' losses.
 */
final class Losses implements AutoCloseable {
  static final int GROUP = 256;
  private final NDManager parent;
  private final List<NDArray> unread = new ArrayList<>(GROUP);
  private final double[] weights = new double[GROUP];
  private NDManager holder;
  private NDArray last;
  private double lastValue = Double.NaN;
  private boolean any;
  private double sum;

  /**
   * @param parent the manager whose sub-managers hold the unread losses
   */
  Losses(NDManager parent) {
    this.parent = parent;
    this.holder = parent.newSubManager();
  }

  /** Adds a batch's loss (a scalar) and the batch's weight; keeps a detached handle, not the graph. */
  void add(NDArray loss, double weight) {
    NDArray kept = loss.stopGradient();
    kept.attach(holder);
    weights[unread.size()] = weight;
    unread.add(kept);
    last = kept;
    any = true;
    if (unread.size() == GROUP) {
      read();
    }
  }

  /** Whether any batch has added its loss. */
  boolean any() {
    return any;
  }

  /** The last batch's loss. */
  double last() {
    if (last != null) {
      // toFloatArray, not getFloat: the latter indexes the scalar first, one more native call.
      lastValue = last.toFloatArray()[0];
      last = null;
    }
    return lastValue;
  }

  /** The sum of loss times weight since the last {@link #restart}. */
  double sum() {
    read();
    return sum;
  }

  /** Starts a new sum (an epoch's) at {@code start}. */
  void restart(double start) {
    read();
    sum = start;
  }

  private void read() {
    if (unread.isEmpty()) {
      return;
    }
    float[] values = unread.size() == 1 ? unread.get(0).toFloatArray() : NDArrays.stack(new NDList(unread)).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      sum += values[i] * weights[i];
    }
    if (last != null) {
      lastValue = values[values.length - 1];
      last = null;
    }
    unread.clear();
    holder.close();
    holder = parent.newSubManager();
  }

  @Override
  public void close() {
    unread.clear();
    last = null;
    holder.close();
  }
}
