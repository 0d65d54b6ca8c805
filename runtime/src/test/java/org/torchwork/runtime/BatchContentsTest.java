package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.dataset.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;

/**
 * What the loop hands callbacks as {@code ctx.batch()}: every training row once per epoch, in
 * batches of {@code batch_size} (the last one smaller), each row with its own target; the
 * validation rows likewise, none of them also trained on. Rows are numbered through their
 * features, so any mix-up of rows, targets or batches shows.
 */
class BatchContentsTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final int ROWS = 70;

  /** Row i has features (i, -2i) and class i mod 3. */
  private static Task numbered() {
    float[] x = new float[ROWS * 2];
    int[] y = new int[ROWS];
    for (int i = 0; i < ROWS; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -2f * i;
      y[i] = i % 3;
    }
    return Task.classif("numbered", "y", List.of("id", "twice"), List.of("a", "b", "c"), x, y);
  }

  /** Records each batch's row numbers, per epoch, checking each row's features and target agree. */
  public static final class Rows extends CallbackSet {
    final List<List<List<Integer>>> train = new ArrayList<>();
    final List<List<List<Integer>>> valid = new ArrayList<>();

    @Override
    public void onEpochBegin(Context ctx) {
      train.add(new ArrayList<>());
      valid.add(new ArrayList<>());
    }

    @Override
    public void onBatchBegin(Context ctx) {
      train.get(train.size() - 1).add(ids(ctx.batch()));
    }

    @Override
    public void onBatchValidBegin(Context ctx) {
      valid.get(valid.size() - 1).add(ids(ctx.batch()));
    }

    private static List<Integer> ids(Batch batch) {
      float[] x = batch.getData().head().toFloatArray();
      float[] y = batch.getLabels().head().toFloatArray();
      assertEquals(2 * y.length, x.length, "two features per target");
      assertEquals(batch.getSize(), y.length, "the batch's size is its number of rows");
      List<Integer> ids = new ArrayList<>();
      for (int r = 0; r < y.length; r++) {
        int id = (int) x[2 * r];
        assertEquals(-2f * id, x[2 * r + 1], "row " + id + "'s second feature");
        assertEquals(id % 3, (int) y[r], "row " + id + "'s target");
        ids.add(id);
      }
      return ids;
    }
  }

  /** The sizes of {@code rows} rows cut into batches of {@code batch}. */
  private static List<Integer> sizes(int rows, int batch) {
    List<Integer> sizes = new ArrayList<>();
    for (int left = rows; left > 0; left -= batch) {
      sizes.add(Math.min(batch, left));
    }
    return sizes;
  }

  // Batches of 12: 5 batches in groups of 2, 2 and 1; of 5: 12 in groups of 3, the last batch of
  // one row; of 1: a group per row; of 100: one batch of all rows, as of 14 for validation.
  @ParameterizedTest(name = "{0}, shuffle={1}, batch_size={2}")
  @CsvSource({"pytorch, true, 12", "pytorch, false, 12", "mxnet, true, 12", "mxnet, false, 12", "pytorch, true, 5",
      "mxnet, true, 5", "pytorch, true, 1", "mxnet, false, 1", "pytorch, true, 100", "mxnet, true, 100"})
  void everyRowOnceWithItsTargetInBatchesOfTheSize(String engine, boolean shuffle, int batch) {
    Rows rows = new Rows();
    try (TorchLearner learner = PLATFORM.learner("classif.mlp").set("engine", engine).set("epochs", 3)
        .set("batch_size", batch).set("neurons", 4).set("seed", 5).set("shuffle", shuffle).set("validate", 0.2)
        .callbacks(TorchCallback.of("rows", Rows.class, () -> rows))) {
      learner.train(numbered());
    }
    assertEquals(3, rows.train.size());
    List<Integer> firstOrder = null;
    for (int epoch = 0; epoch < 3; epoch++) {
      List<List<Integer>> batches = rows.train.get(epoch);
      List<Integer> order = new ArrayList<>();
      batches.forEach(order::addAll);
      Set<Integer> trained = new TreeSet<>(order);
      assertEquals(order.size(), trained.size(), "no row twice in epoch " + (epoch + 1) + ": " + order);
      // 56 training rows and 14 validation rows.
      assertEquals(56, order.size());
      assertEquals(sizes(56, batch), batches.stream().map(List::size).toList());
      assertEquals(sizes(14, batch), rows.valid.get(epoch).stream().map(List::size).toList());
      List<Integer> validated = new ArrayList<>();
      rows.valid.get(epoch).forEach(validated::addAll);
      assertEquals(14, validated.size());
      Set<Integer> all = new TreeSet<>(trained);
      all.addAll(validated);
      assertEquals(ROWS, all.size(), "training and validation rows together are all rows, none in both");
      assertEquals(new ArrayList<>(new TreeSet<>(validated)), validated, "validation keeps the rows' order");
      List<Integer> sorted = new ArrayList<>(trained);
      if (shuffle) {
        assertNotEquals(sorted, order, "epoch " + (epoch + 1) + " is shuffled");
        if (firstOrder != null) {
          assertNotEquals(firstOrder, order, "each epoch has its own order");
        }
      } else {
        assertEquals(sorted, order, "without shuffling the rows come in order");
      }
      assertTrue(firstOrder == null || new TreeSet<>(firstOrder).equals(trained), "every epoch trains on the same rows");
      firstOrder = order;
    }
  }
}
