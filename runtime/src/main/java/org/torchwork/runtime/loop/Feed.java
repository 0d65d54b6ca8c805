package org.torchwork.runtime.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * A task's rows for one run, as its epochs read them: copied to the engine once when the task is
 * in memory ({@link Batches}), or, when it is streamed from a file ({@link Task#isStreamed}), read a
 * batch at a time on a background thread, a few batches ahead of the one the network trains on.
 *
 * <p>A streamed epoch reads its rows in the epoch's order (shuffled by the run's seed, as in
 * memory), so the batches are the same arrays either way and a run resumed in the middle of an
 * epoch goes on exactly. Each batch is read into a direct buffer, copied into an array of the
 * engine's own (a callback may keep a batch's arrays as long as it likes), and the buffer is used
 * again for a later batch. The time the loop spends waiting for a batch that is not read yet is
 * counted ({@link #waitNanos}).
 */
abstract class Feed implements AutoCloseable {
  /** How many batches a streamed epoch reads ahead of the one being trained on. */
  static final int AHEAD = 4;

  /**
   * The rows of a task for a run.
   *
   * @param task the rows
   * @param parent owns the engine copy of rows held in memory, for the run
   * @return the feed
   */
  static Feed of(Task task, NDManager parent) {
    return task.isStreamed() ? new Streamed(task) : new InMemory(task, new Batches.Rows(task, parent));
  }

  /**
   * One epoch's batches.
   *
   * @param order the rows' order this epoch
   * @param batchSize the batch size
   * @param parent owns the epoch's arrays until the batches are closed
   * @param device where the batches go
   * @return the batches
   */
  abstract EpochBatches epoch(int[] order, int batchSize, NDManager parent, Device device);

  /** The nanoseconds the loop has waited for rows so far. */
  long waitNanos() {
    return 0;
  }

  /** Whether the rows are read from a file as they are needed. */
  boolean streamed() {
    return false;
  }

  @Override
  public abstract void close();

  /** Closes those of the feeds that were made. */
  static void close(Feed... feeds) {
    for (Feed f : feeds) {
      if (f != null) {
        f.close();
      }
    }
  }

  private static final class InMemory extends Feed {
    private final Task task;
    private final Batches.Rows rows;

    InMemory(Task task, Batches.Rows rows) {
      this.task = task;
      this.rows = rows;
    }

    @Override
    EpochBatches epoch(int[] order, int batchSize, NDManager parent, Device device) {
      return new Batches(task, rows, order, batchSize, parent, device);
    }

    @Override
    public void close() {
      rows.close();
    }
  }

  /** Rows read from a {@link RowSource} on a thread of their own. */
  private static final class Streamed extends Feed {
    private final Task task;
    private final RowSource source;
    private final long[] dims;
    private final ExecutorService reader;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long waited;

    Streamed(Task task) {
      this.task = task;
      this.source = task.rowSource().orElseThrow();
      int[] shape = task.rowShape();
      this.dims = new long[shape.length + 1];
      for (int i = 0; i < shape.length; i++) {
        dims[i + 1] = shape[i];
      }
      this.reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "torchwork-rows " + task.id());
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    EpochBatches epoch(int[] order, int batchSize, NDManager parent, Device device) {
      return new Epoch(order, Math.max(1, Math.min(batchSize, order.length)));
    }

    @Override
    long waitNanos() {
      return waited;
    }

    @Override
    boolean streamed() {
      return true;
    }

    @Override
    public void close() {
      reader.shutdownNow();
      synchronized (free) {
        free.clear();
      }
    }

    private ByteBuffer buffer(int bytes) {
      synchronized (free) {
        ByteBuffer b = free.poll();
        if (b != null && b.capacity() >= bytes) {
          b.clear();
          return b;
        }
      }
      return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    private void release(ByteBuffer b) {
      synchronized (free) {
        if (free.size() < AHEAD + 2) {
          free.push(b);
        }
      }
    }

    private final class Epoch implements EpochBatches {
      private final int[] order;
      private final int batchSize;
      private final Future<ByteBuffer>[] pending;
      private final long rowBytes = (long) source.width() * Float.BYTES;

      @SuppressWarnings("unchecked")
      Epoch(int[] order, int batchSize) {
        this.order = order;
        this.batchSize = batchSize;
        this.pending = new Future[count()];
      }

      @Override
      public int count() {
        return Batches.count(order.length, batchSize);
      }

      private int size(int index) {
        return Math.min(batchSize, order.length - index * batchSize);
      }

      private void submit(int index) {
        int start = index * batchSize;
        int size = size(index);
        pending[index] = reader.submit(() -> {
          ByteBuffer b = buffer(Math.toIntExact(size * rowBytes));
          b.limit(Math.toIntExact(size * rowBytes));
          source.read(order, start, start + size, b);
          b.flip();
          return b;
        });
      }

      @Override
      public Batch get(NDManager batchManager, int index) {
        for (int i = index; i < Math.min(count(), index + AHEAD + 1); i++) {
          if (pending[i] == null) {
            submit(i);
          }
        }
        Future<ByteBuffer> f = pending[index];
        // Taken: a batch asked for again (never, in the loop) would be read again.
        pending[index] = null;
        ByteBuffer rows;
        long start = System.nanoTime();
        boolean ready = f.isDone();
        try {
          rows = f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TorchworkException("Interrupted while reading rows from " + source.describe() + ".", e);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof TorchworkException) {
            throw (TorchworkException) cause;
          }
          throw new TorchworkException("Rows cannot be read from " + source.describe() + ": " + cause + ".", cause);
        } catch (CancellationException e) {
          throw new TorchworkException("Reading rows from " + source.describe() + " was cancelled.", e);
        }
        if (!ready) {
          waited += System.nanoTime() - start;
        }
        int size = size(index);
        long[] shape = dims.clone();
        shape[0] = size;
        // PyTorch makes a CPU array over the buffer itself; the copy is the engine's, and the buffer free for the next read.
        NDArray x;
        try (NDArray over = batchManager.create(rows, new Shape(shape), DataType.FLOAT32)) {
          x = over.duplicate();
        }
        release(rows);
        float[] truth = truth(index);
        NDArray y = batchManager.create(truth, task.type() == TaskType.CLASSIF ? new Shape(size) : new Shape(size, 1));
        NDList labels = new NDList(y);
        if (task.hasWeights()) {
          float[] w = new float[size];
          for (int i = 0; i < size; i++) {
            w[i] = task.weight(order[index * batchSize + i]);
          }
          labels.add(batchManager.create(w));
        }
        return new Batch(batchManager, new NDList(x), labels, size, Batchifier.STACK, Batchifier.STACK, index, count());
      }

      @Override
      public double weight(int index) {
        return Batches.weight(task, order, index * batchSize, size(index));
      }

      @Override
      public float[] truth(int index) {
        int start = index * batchSize;
        float[] t = new float[size(index)];
        task.copyTargets(order, start, start + t.length, t);
        return t;
      }

      @Override
      public void close() {
        // Only the batches read ahead are still pending: at most AHEAD + 1 from the last one asked for.
        for (int i = 0; i < pending.length; i++) {
          if (pending[i] != null) {
            // A read under way finishes into its own buffer, which is then dropped.
            pending[i].cancel(false);
            pending[i] = null;
          }
        }
      }
    }
  }
}
