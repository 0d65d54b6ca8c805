package org.torchwork.api;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The features of a task's rows, kept outside the Java heap (in a file) and read by row index, so
 * that a task may be larger than memory. A {@link Task} made over one ({@link Task#isStreamed}) reads
 * its rows from it as they are asked for; the training loop reads each batch on a background
 * thread while the network trains on the one before.
 *
 * <p>Reads must be safe from several threads at once and give the same values every time. The
 * values must be finite numbers: a streamed task is not imputed or checked value by value, which
 * would take a pass over the whole file.
 *
 * @since 0.3
 */
@ApiStatus(value = ApiStatus.Status.EXPERIMENTAL, since = "0.3")
public interface RowSource {
  /**
   * The number of rows.
   *
   * @return the rows
   */
  int nrow();

  /**
   * The number of features in each row.
   *
   * @return the features
   */
  int width();

  /**
   * Copies the features of some rows, row-major, into {@code dest}.
   *
   * @param rows row indices
   * @param from first position in {@code rows} to read
   * @param to position after the last one to read
   * @param dest receives {@code (to - from) * width()} values from index 0
   * @throws TorchworkException when the rows cannot be read (the file changed or went away)
   */
  void read(int[] rows, int from, int to, float[] dest);

  /**
   * Copies the features of some rows, row-major, into a buffer from its position on, as 32-bit
   * floats in the buffer's byte order; the loop passes a direct buffer in the platform's order. By
   * default through an array.
   *
   * @param rows row indices
   * @param from first position in {@code rows} to read
   * @param to position after the last one to read
   * @param dest receives {@code (to - from) * width()} floats; its position moves past them
   */
  default void read(int[] rows, int from, int to, ByteBuffer dest) {
    float[] values = new float[(to - from) * width()];
    read(rows, from, to, values);
    dest.asFloatBuffer().put(values);
    dest.position(dest.position() + values.length * Float.BYTES);
  }

  /**
   * Says where the rows are read from, for messages: e.g. the cache file's path.
   *
   * @return the description
   */
  String describe();

  /**
   * Some of these rows, in the given order, read from this source: nothing is copied.
   *
   * @param rows the row indices to keep
   * @return the view
   */
  default RowSource view(int[] rows) {
    RowSource parent = this;
    int[] kept = rows.clone();
    for (int r : kept) {
      Objects.checkIndex(r, parent.nrow());
    }
    return new RowSource() {
      @Override
      public int nrow() {
        return kept.length;
      }

      @Override
      public int width() {
        return parent.width();
      }

      @Override
      public void read(int[] rows, int from, int to, float[] dest) {
        parent.read(map(rows, from, to), 0, to - from, dest);
      }

      @Override
      public void read(int[] rows, int from, int to, ByteBuffer dest) {
        parent.read(map(rows, from, to), 0, to - from, dest);
      }

      private int[] map(int[] rows, int from, int to) {
        int[] mapped = new int[to - from];
        for (int i = from; i < to; i++) {
          mapped[i - from] = kept[rows[i]];
        }
        return mapped;
      }

      @Override
      public String describe() {
        return parent.describe();
      }
    };
  }
}
