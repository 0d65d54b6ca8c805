package org.torchwork.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;

/**
 * A task's rows, in a given order, cut into batches: features as a {@code (size, features)} array
 * ({@code (size, dims...)} for rows of tensors), targets as {@code (size)} class indices or a
 * {@code (size, 1)} column of values, and, when the task's rows carry weights, the rows' weights as
 * a second {@code (size)} labels array. The last batch may be smaller.
 *
 * <p>The rows are copied to the engine once per run ({@link Rows}); each epoch gathers them in
 * its order with one engine operation, so a batch costs no copy from Java. The batches are cut
 * from that in groups of about the square root of their number: a group is sliced off when a
 * batch of it is first asked for (a resumed epoch may start inside a group) and split into its
 * batches, a slice and a split per group for the features and again for the targets (and for the
 * weights, when there are weights). Cutting neither all at once nor one batch at a time: MXNet's
 * split looks up each element's part among all parts (one split of 100,000 rows into 391 batches
 * cost several times the gather), and one slice per batch costs a native call per batch, which
 * dominates steps of a few rows.
 */
final class Batches implements EpochBatches {
  private final Task task;
  private final int[] order;
  private final int batchSize;
  private final NDManager manager;
  private final NDArray x;
  private final NDArray y;
  private final NDArray w;
  private final Device device;
  private final int groupSize;
  private float[] truth;
  private int group = -1;
  private NDManager groupManager;
  private NDList groupX;
  private NDList groupY;
  private NDList groupW;

  /** A task's features, targets and row weights as engine arrays, in row order, kept for the run. */
  static final class Rows implements AutoCloseable {
    private final NDManager manager;
    final NDArray x;
    final NDArray y;
    /** Each row's weight; null when the rows are not weighted. */
    final NDArray w;

    Rows(Task task, NDManager parent) {
      this.manager = parent.newSubManager(Device.cpu());
      int n = task.nrow();
      int p = task.nfeatures();
      int[] identity = new int[n];
      Arrays.setAll(identity, i -> i);
      // Filled a chunk at a time through one small direct buffer: the rows never exist twice on
      // the Java heap, and none of them is held in direct memory, which is bounded by the heap's size.
      int chunk = Math.max(1, 16_384 / Math.max(1, p));
      float[] buffer = new float[chunk * p];
      ByteBuffer bytes = ByteBuffer.allocateDirect(buffer.length * Float.BYTES).order(ByteOrder.nativeOrder());
      int[] dims = task.rowShape();
      long[] all = new long[dims.length + 1];
      all[0] = n;
      for (int i = 0; i < dims.length; i++) {
        all[i + 1] = dims[i];
      }
      NDArray features = manager.zeros(new Shape(all), DataType.FLOAT32);
      for (int from = 0; from < n; from += chunk) {
        int to = Math.min(n, from + chunk);
        task.copyFeatures(identity, from, to, buffer);
        bytes.clear();
        bytes.asFloatBuffer().put(buffer, 0, (to - from) * p);
        bytes.limit((to - from) * p * Float.BYTES);
        // PyTorch reads the part from the buffer itself, so it is freed before the buffer is reused.
        all[0] = to - from;
        try (NDArray part = manager.create(bytes, new Shape(all), DataType.FLOAT32)) {
          features.set(new NDIndex().addSliceDim(from, to), part);
        }
      }
      float[] targets = new float[n];
      task.copyTargets(identity, 0, n, targets);
      this.x = features;
      this.y = manager.create(targets, task.type() == TaskType.CLASSIF ? new Shape(n) : new Shape(n, 1));
      if (task.hasWeights()) {
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
          weights[i] = task.weight(i);
        }
        this.w = manager.create(weights);
      } else {
        this.w = null;
      }
    }

    @Override
    public void close() {
      manager.close();
    }

    /** Closes those of the rows that were made. */
    static void close(Rows... rows) {
      for (Rows r : rows) {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  /**
   * Cuts the rows into batches for one epoch.
   *
   * @param task the task the rows come from
   * @param rows its rows on the engine
   * @param order the rows' order this epoch
   * @param batchSize the batch size
   * @param parent owns the epoch's arrays until {@link #close()}
   * @param device where the batches go
   */
  Batches(Task task, Rows rows, int[] order, int batchSize, NDManager parent, Device device) {
    this.task = task;
    this.order = order;
    // Never larger than the rows: batch_size may be far above them.
    this.batchSize = Math.max(1, Math.min(batchSize, order.length));
    this.device = device;
    this.manager = parent.newSubManager(Device.cpu());
    this.groupSize = Math.max(1, (int) Math.round(Math.sqrt(count())));
    NDArray index = manager.create(order);
    this.x = gather(rows.x, index);
    this.y = gather(rows.y, index);
    this.w = rows.w == null ? null : gather(rows.w, index);
  }

  /** The rows in this epoch's order; it belongs to the epoch. */
  private NDArray gather(NDArray all, NDArray index) {
    // Made by the rows' manager, which lives for the run: moved to the epoch's.
    NDArray gathered = all.get(index);
    gathered.attach(manager);
    return gathered;
  }

  static int count(int rows, int batchSize) {
    return (int) ((rows + (long) batchSize - 1) / batchSize);
  }

  /** The weight of a task's rows together: their number, or the sum of their weights in row order. */
  static double weight(Task task) {
    if (!task.hasWeights()) {
      return task.nrow();
    }
    double sum = 0;
    for (int i = 0; i < task.nrow(); i++) {
      sum += task.weight(i);
    }
    return sum;
  }

  @Override
  public int count() {
    return count(order.length, batchSize);
  }

  @Override
  public Batch get(NDManager batchManager, int index) {
    int start = index * batchSize;
    int size = Math.min(batchSize, order.length - start);
    if (index / groupSize != group) {
      cutGroup(index / groupSize);
    }
    NDArray data = onDevice(groupX.get(index % groupSize), batchManager);
    NDArray targets = onDevice(groupY.get(index % groupSize), batchManager);
    NDList labels = groupW == null ? new NDList(targets) : new NDList(targets, onDevice(groupW.get(index % groupSize), batchManager));
    return new Batch(batchManager, new NDList(data), labels, size, Batchifier.STACK, Batchifier.STACK, index, count());
  }

  /**
   * The weight of batch {@code index}: its number of rows, or the sum of their weights, added in
   * the batch's order. An epoch's loss is the batches' losses weighted by it.
   */
  @Override
  public double weight(int index) {
    int start = index * batchSize;
    return weight(task, order, start, Math.min(batchSize, order.length - start));
  }

  /** The weight of {@code size} rows from {@code start} in {@code order}: their number, or their weights added in that order. */
  static double weight(Task task, int[] order, int start, int size) {
    if (!task.hasWeights()) {
      return size;
    }
    double sum = 0;
    for (int i = start; i < start + size; i++) {
      sum += task.weight(order[i]);
    }
    return sum;
  }

  /** Cuts group {@code g}'s batches; what is left of the previous group is freed. */
  private void cutGroup(int g) {
    if (groupManager != null) {
      groupManager.close();
    }
    groupManager = manager.newSubManager();
    group = g;
    int firstBatch = g * groupSize;
    int batches = Math.min(groupSize, count() - firstBatch);
    long from = (long) firstBatch * batchSize;
    long to = Math.min(order.length, from + (long) batches * batchSize);
    long[] cuts = new long[batches - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (long) (i + 1) * batchSize;
    }
    groupX = cut(x, from, to, cuts);
    groupY = cut(y, from, to, cuts);
    groupW = w == null ? null : cut(w, from, to, cuts);
  }

  private NDList cut(NDArray all, long from, long to, long[] cuts) {
    // One batch of all the rows is the gathered array itself.
    if (from == 0 && to == order.length && cuts.length == 0) {
      return new NDList(all);
    }
    NDArray part = all.get(new NDIndex().addSliceDim(from, to));
    part.attach(groupManager);
    if (cuts.length == 0) {
      return new NDList(part);
    }
    NDList batches = part.split(cuts);
    batches.attach(groupManager);
    return batches;
  }

  private NDArray onDevice(NDArray array, NDManager batchManager) {
    NDArray moved = array.getDevice().equals(device) ? array : array.toDevice(device, false);
    moved.attach(batchManager);
    return moved;
  }

  @Override
  public float[] truth(int index) {
    int start = index * batchSize;
    int size = Math.min(batchSize, order.length - start);
    if (truth == null) {
      truth = new float[batchSize];
    }
    task.copyTargets(order, start, start + size, truth);
    return Arrays.copyOf(truth, size);
  }

  @Override
  public void close() {
    manager.close();
  }
}
