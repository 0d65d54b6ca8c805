package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;

/**
 * A task's rows, in a given order, cut into batches: features as a {@code (size, features)} array,
 * targets as {@code (size)} class indices or a {@code (size, 1)} column of values. The last batch
 * may be smaller. One buffer per column is reused across batches.
 */
final class Batches {
  private final Task task;
  private final int[] order;
  private final int batchSize;
  private final float[] x;
  private final float[] y;

  Batches(Task task, int[] order, int batchSize) {
    this.task = task;
    this.order = order;
    // Never larger than the rows: batch_size may be far above them.
    this.batchSize = Math.max(1, Math.min(batchSize, order.length));
    this.x = new float[this.batchSize * task.nfeatures()];
    this.y = new float[this.batchSize];
  }

  static int count(int rows, int batchSize) {
    return (int) ((rows + (long) batchSize - 1) / batchSize);
  }

  int count() {
    return count(order.length, batchSize);
  }

  /** Batch {@code index} (from 0), its arrays created by {@code manager}. */
  Batch get(NDManager manager, int index) {
    int start = index * batchSize;
    int size = Math.min(batchSize, order.length - start);
    int p = task.nfeatures();
    task.copyFeatures(order, start, start + size, x);
    task.copyTargets(order, start, start + size, y);
    NDArray data = manager.create(FloatBuffer.wrap(x, 0, size * p), new Shape(size, p));
    Shape labelShape = task.type() == TaskType.CLASSIF ? new Shape(size) : new Shape(size, 1);
    NDArray labels = manager.create(FloatBuffer.wrap(y, 0, size), labelShape);
    return new Batch(manager, new NDList(data), new NDList(labels), size, Batchifier.STACK, Batchifier.STACK, index, count());
  }

  /** The targets of the batch last made by {@link #get}. */
  float[] truth(Batch batch) {
    return Arrays.copyOf(y, batch.getSize());
  }
}
