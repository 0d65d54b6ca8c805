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
  private static final int ROWS = 70;
  private static final int BATCH = 12;

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

  @ParameterizedTest(name = "{0}, shuffle={1}")
  @CsvSource({"pytorch, true", "pytorch, false", "mxnet, true", "mxnet, false"})
  void everyRowOnceWithItsTargetInBatchesOfTheSize(String engine, boolean shuffle) {
    Platform platform = Platform.builder().build();
    Rows rows = new Rows();
    try (TorchLearner learner = platform.learner("classif.mlp").set("engine", engine).set("epochs", 3)
        .set("batch_size", BATCH).set("neurons", 4).set("seed", 5).set("shuffle", shuffle).set("validate", 0.2)
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
      // 56 training rows: four batches of 12 and one of 8 (cut in groups of 2, 2 and 1).
      assertEquals(56, order.size());
      assertEquals(List.of(12, 12, 12, 12, 8), batches.stream().map(List::size).toList());
      // 14 validation rows: 12 and 2.
      assertEquals(List.of(12, 2), rows.valid.get(epoch).stream().map(List::size).toList());
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
