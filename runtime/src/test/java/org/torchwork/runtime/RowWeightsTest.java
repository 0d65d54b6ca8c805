package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.Batch;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;

/**
 * Row weights in training: a batch's loss is the rows' weighted mean {@code sum(w_i l_i) /
 * sum(w_i)}, so a row of weight 2 trains as the same row twice and a row of weight 0 as no row; the
 * epoch's loss is the weighted mean over all its batches; batches hand the weights to callbacks.
 * Real training on both engines.
 */
class RowWeightsTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  // Seven rows of two features in {-1, 0, 1}, targets that are multiples of 1/2.
  private static final float[][] X = {{1, 0}, {0, 1}, {-1, 1}, {1, 1}, {0, -1}, {-1, 0}, {1, -1}};
  private static final float[] Y = {1, 0.5f, -1, 0, -0.5f, 1, 0.5f};

  /** The seven rows, then {@code extra} more rows: copies of row 0, or (1, 1) with target 100 for {@code far}. */
  private static Task rows(int copies, boolean far) {
    int n = X.length + copies + (far ? 1 : 0);
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int from = i < X.length ? i : 0;
      x[2 * i] = far && i == n - 1 ? 1 : X[from][0];
      x[2 * i + 1] = far && i == n - 1 ? 1 : X[from][1];
      y[i] = far && i == n - 1 ? 100 : Y[from];
    }
    return Task.regr("dyadic", "y", List.of("a", "b"), x, y);
  }

  /** Starts the linear network at weights (1/2, -1/2) and bias 0. */
  public static final class DyadicStart extends CallbackSet {
    final List<Double> trainLosses = new ArrayList<>();

    @Override
    public void onBegin(Context ctx) {
      for (Pair<String, Parameter> p : ctx.network().getParameters()) {
        long size = p.getValue().getArray().size();
        p.getValue().getArray().set(size == 2 ? new float[] {0.5f, -0.5f} : new float[] {0});
      }
    }

    @Override
    public void onEpochEnd(Context ctx) {
      trainLosses.add(ctx.trainLoss());
    }
  }

  private static List<float[]> weights(TorchLearner l) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /** A linear regression trained by plain SGD on one batch of all rows, from the dyadic start. */
  private TorchLearner dyadic(String engine, DyadicStart start, Task task) {
    TorchLearner l = PLATFORM.learner("regr.mlp").set("engine", engine).set("epochs", 3).set("batch_size", 16)
        .set("shuffle", false).set("seed", 1).set("optimizer", "sgd").set("opt.lr", 0.25)
        .callbacks(TorchCallback.of("start", DyadicStart.class, () -> start));
    learners.add(l);
    return l.train(task);
  }

  /**
   * Exact, not close: every number the three steps compute is a multiple of a power of 2 with at
   * most 20 significant bits (features in {-1, 0, 1}, targets multiples of 1/2, start weights
   * 1/2, -1/2 and 0, learning rate 1/4, and a weight sum of 8 rows to divide by), so float32
   * represents each one exactly and no sum depends on the order it is added in. The weighted run
   * computes 2 * l_0 + l_1 + ... + l_6 over 8 (the rows' weighted mean), the duplicated one
   * l_0 + l_1 + ... + l_6 + l_0 over 8 (DJL's plain mean, as unweighted runs use): bit for bit the
   * same numbers, loss, gradients and weights.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aRowOfWeightTwoTrainsBitForBitAsTheRowTwice(String engine) {
    float[] w = new float[X.length];
    Arrays.fill(w, 1);
    w[0] = 2;
    DyadicStart weightedStart = new DyadicStart();
    DyadicStart twiceStart = new DyadicStart();
    List<float[]> weighted = weights(dyadic(engine, weightedStart, rows(0, false).withWeights(w)));
    List<float[]> twice = weights(dyadic(engine, twiceStart, rows(1, false)));
    for (int i = 0; i < twice.size(); i++) {
      assertArrayEquals(twice.get(i), weighted.get(i), "parameter " + i);
    }
    assertEquals(twiceStart.trainLosses, weightedStart.trainLosses, "each epoch's training loss");
    // Worked out in exact fractions, step by step: the numbers are exact, and the run started where it was set to.
    assertArrayEquals(new float[] {2973 / 8192f, -1547 / 8192f}, twice.get(0));
    assertArrayEquals(new float[] {1765 / 8192f}, twice.get(1));
    assertEquals(List.of(5 / 8.0, 3985 / 8192.0, 920955 / 2097152.0), twiceStart.trainLosses);
    // Weight 1 for row 0 trains otherwise: the comparison can fail.
    List<float[]> once = weights(dyadic(engine, new DyadicStart(), rows(0, false)));
    assertTrue(differ(twice, once), "row 0 once trains other weights than row 0 twice");
  }

  /** Exact for the reasons above: the far row's loss is multiplied by 0 and its gradient is 0. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aRowOfWeightZeroTrainsBitForBitAsNoRow(String engine) {
    float[] w = new float[X.length + 2];
    Arrays.fill(w, 1);
    w[w.length - 1] = 0;
    DyadicStart withStart = new DyadicStart();
    DyadicStart withoutStart = new DyadicStart();
    List<float[]> with = weights(dyadic(engine, withStart, rows(1, true).withWeights(w)));
    List<float[]> without = weights(dyadic(engine, withoutStart, rows(1, false)));
    for (int i = 0; i < without.size(); i++) {
      assertArrayEquals(without.get(i), with.get(i), "parameter " + i);
    }
    assertEquals(withoutStart.trainLosses, withStart.trainLosses, "each epoch's training loss");
  }

  /** Iris with every row weighing 1, 2 or 3, against iris with each row repeated that often. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void weightsTrainAsRepeatedRowsOnOrdinaryData(String engine) {
    Task iris = PLATFORM.task("iris");
    float[] w = new float[iris.nrow()];
    List<Integer> repeated = new ArrayList<>();
    for (int i = 0; i < iris.nrow(); i++) {
      w[i] = 1 + (i * 7) % 3;
      for (int k = 0; k < w[i]; k++) {
        repeated.add(i);
      }
    }
    Task copies = iris.subset("iris_repeated", repeated.stream().mapToInt(Integer::intValue).toArray());
    // One batch of all rows, no dropout: both runs start from the same seeded weights and take the
    // same steps, up to the order the engines add the rows' terms in.
    DyadicStart weightedLosses = new DyadicStart();
    DyadicStart copiesLosses = new DyadicStart();
    List<float[]> weighted = weights(iris(engine, weightedLosses, iris.withWeights(w)));
    List<float[]> repeatedRows = weights(iris(engine, copiesLosses, copies));
    for (int i = 0; i < weighted.size(); i++) {
      for (int j = 0; j < weighted.get(i).length; j++) {
        float e = repeatedRows.get(i)[j];
        assertEquals(e, weighted.get(i)[j], 2e-5 * (1 + Math.abs(e)), "parameter " + i + ", element " + j);
      }
    }
    for (int epoch = 0; epoch < 5; epoch++) {
      double e = copiesLosses.trainLosses.get(epoch);
      assertEquals(e, weightedLosses.trainLosses.get(epoch), 1e-6 * e, "epoch " + (epoch + 1) + "'s training loss");
    }
    // Unweighted iris trains otherwise.
    List<float[]> plain = weights(iris(engine, new DyadicStart(), iris));
    assertTrue(differ(repeatedRows, plain), "unweighted iris trains other weights");
  }

  private static boolean differ(List<float[]> a, List<float[]> b) {
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return true;
      }
    }
    return false;
  }

  private TorchLearner iris(String engine, DyadicStart losses, Task task) {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("engine", engine).set("epochs", 5).set("batch_size", 1000)
        .set("neurons", 8).set("dropout", 0.0).set("seed", 11).set("opt.lr", 0.05)
        .callbacks(TorchCallback.of("losses", LossesOnly.class, () -> new LossesOnly(losses)));
    learners.add(l);
    return l.train(task);
  }

  /** Records each epoch's training loss into a {@link DyadicStart}'s list, without touching the weights. */
  public static final class LossesOnly extends CallbackSet {
    private final DyadicStart into;

    LossesOnly(DyadicStart into) {
      this.into = into;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      into.trainLosses.add(ctx.trainLoss());
    }
  }

  /** Checks each batch's weights against its rows' and keeps each batch's loss and weight sum. */
  public static final class WeighedBatches extends CallbackSet {
    final List<Double> losses = new ArrayList<>();
    final List<Double> sums = new ArrayList<>();
    final List<Double> epochLosses = new ArrayList<>();
    final List<Integer> validBatches = new ArrayList<>();

    @Override
    public void onAfterBackward(Context ctx) {
      losses.add(ctx.lastLoss());
      sums.add(checkedSum(ctx, ctx.batch(), ctx.taskTrain()));
    }

    @Override
    public void onBatchValidBegin(Context ctx) {
      checkedSum(ctx, ctx.batch(), ctx.taskValid().orElseThrow());
      validBatches.add(ctx.stepValid());
    }

    @Override
    public void onBeforeValid(Context ctx) {
      epochLosses.add(ctx.trainLoss());
    }

    /** Row i has features (i, 0) and weight 1 + i mod 4, as {@link #numbered()} makes them. */
    private static double checkedSum(Context ctx, Batch batch, Task task) {
      NDList labels = batch.getLabels();
      assertEquals(2, labels.size(), "targets and weights");
      float[] x = batch.getData().head().toFloatArray();
      float[] w = labels.get(1).toFloatArray();
      assertEquals(batch.getSize(), w.length);
      double sum = 0;
      for (int r = 0; r < w.length; r++) {
        int id = (int) x[2 * r];
        assertEquals(1 + id % 4, w[r], "row " + id + "'s weight");
        sum += w[r];
      }
      return sum;
    }
  }

  /** 40 rows: row i has features (i, -i), class i mod 2, weight 1 + i mod 4. */
  private static Task numbered() {
    float[] x = new float[80];
    int[] y = new int[40];
    float[] w = new float[40];
    for (int i = 0; i < 40; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 2;
      w[i] = 1 + i % 4;
    }
    return Task.classif("numbered", "y", List.of("id", "minus"), List.of("even", "odd"), x, y).withWeights(w);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void batchesHoldTheirRowsWeightsAndTheEpochsLossIsTheirWeightedMean(String engine) {
    WeighedBatches seen = new WeighedBatches();
    // 30 training rows in batches of 7 (the last of 2), shuffled; 10 validation rows.
    TorchLearner l = PLATFORM.learner("classif.mlp").set("engine", engine).set("epochs", 2).set("batch_size", 7)
        .set("neurons", 4).set("seed", 3).set("validate", 0.25)
        .callbacks(TorchCallback.of("seen", WeighedBatches.class, () -> seen));
    learners.add(l);
    l.train(numbered());
    assertEquals(10, seen.losses.size());
    assertEquals(List.of(1, 2, 1, 2), seen.validBatches, "validation batches hold their rows' weights too");
    for (int epoch = 0; epoch < 2; epoch++) {
      double weighted = 0;
      double weight = 0;
      for (int b = 5 * epoch; b < 5 * epoch + 5; b++) {
        weighted += seen.losses.get(b) * seen.sums.get(b);
        weight += seen.sums.get(b);
      }
      assertEquals(weighted / weight, seen.epochLosses.get(epoch), 1e-12, "epoch " + (epoch + 1));
      // Not the batches' plain mean, which weighs the last batch of 2 rows like the others.
      double plain = seen.losses.subList(5 * epoch, 5 * epoch + 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertTrue(Math.abs(plain - seen.epochLosses.get(epoch)) > 1e-6, "the weighted mean differs from the plain one");
    }
  }
}
