package org.torchwork.data;

import org.torchwork.api.TorchworkException;

/**
 * Where a reader puts the rows it reads, one at a time: an array in memory ({@link ArraySink}) or
 * a binary cache file ({@link RowCache}), so that one reader serves both.
 */
interface RowSink {
  /**
   * Called once, before the first row.
   *
   * @param rows how many rows will come; -1 when not known before the end
   * @param width the values in each row
   * @param what the data, for messages, e.g. {@code "Images file f (10 images of 28 x 28)"}
   */
  void begin(int rows, int width, String what);

  /**
   * Takes one row.
   *
   * @param values holds the row's values from {@code offset} on, {@code width} of them
   * @param offset where they start
   */
  void accept(float[] values, int offset);

  /** Rows kept in one array on the heap, after a check that they fit. */
  final class ArraySink implements RowSink {
    private float[] x;
    private int width;
    private int next;

    @Override
    public void begin(int rows, int w, String what) {
      if ((long) rows * w > Limits.MAX_ARRAY) {
        throw new TorchworkException(what + " holds more values than one array holds (" + Limits.MAX_ARRAY + "). Stream it from"
            + " disk instead (--stream), or give fewer rows.");
      }
      Limits.checkHeap((long) rows * w * Float.BYTES, what);
      this.width = w;
      this.x = new float[rows * w];
    }

    @Override
    public void accept(float[] values, int offset) {
      System.arraycopy(values, offset, x, next, width);
      next += width;
    }

    /** The rows, row-major. */
    float[] values() {
      return x;
    }
  }
}
