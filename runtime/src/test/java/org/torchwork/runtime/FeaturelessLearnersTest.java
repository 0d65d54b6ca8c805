package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Splits;
import org.torchwork.runtime.tune.LearnerConfig;
import org.torchwork.runtime.tune.LocalTrials;
import org.torchwork.runtime.tune.Resample;
import org.torchwork.runtime.tune.Resampling;
import org.torchwork.runtime.tune.TaskReference;
import org.torchwork.runtime.tune.TrialResult;
import org.torchwork.runtime.tune.Tuning;

/**
 * The baselines {@code classif.featureless} and {@code regr.featureless} on real PyTorch and MXNet
 * runs: whatever the epochs, batch size, optimizer and (large) learning rate, they predict exactly
 * the statistic of their training rows, computed here by hand; resampled, saved, loaded, resumed
 * and exported like any learner.
 */
class FeaturelessLearnersTest {
  private static final Platform PLATFORM = Platform.builder().build();
  /** Classes a, b, c: 5, 3 and 2 of the 10 rows. */
  private static final int[] CLASSES = {0, 1, 0, 2, 0, 1, 0, 2, 1, 0};
  /** Sorted: 1, 1, 2, 3, 4, 5, 6, 9; mean 31/8, median (3 + 4) / 2. */
  private static final float[] VALUES = {3, 1, 4, 1, 5, 9, 2, 6};

  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** Records the training loss of every epoch. */
  public static final class Losses extends CallbackSet {
    final List<Double> epochs = new ArrayList<>();

    @Override
    public void onEpochEnd(Context ctx) {
      epochs.add(ctx.trainLoss());
    }
  }

  /** Saves a checkpoint after the first batch of epoch 2. */
  public static final class MidEpoch extends CallbackSet {
    private final Path dir;

    MidEpoch(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      if (ctx.epoch() == 2 && ctx.step() == 1) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  /** Features that differ from row to row, so a network that used them would not be constant. */
  private static float[] features(int rows) {
    float[] x = new float[rows * 2];
    for (int i = 0; i < rows; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = i * i - 7f;
    }
    return x;
  }

  private static Task uneven() {
    return Task.classif("uneven", "y", List.of("x1", "x2"), List.of("a", "b", "c"), features(CLASSES.length), CLASSES);
  }

  private static Task values() {
    return Task.regr("values", "y", List.of("x1", "x2"), features(VALUES.length), VALUES);
  }

  /** Rows the learners never saw, with features far from the training rows'. */
  private static Task far(int rows) {
    float[] x = new float[rows * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 2 == 0 ? 1 : -1) * (1e6f + 1e5f * i);
    }
    return Task.unlabeled("far", List.of("x1", "x2"), x);
  }

  private TorchLearner learner(String id, Object... keyValues) {
    TorchLearner l = PLATFORM.learner(id).set("epochs", 4).set("batch_size", 3).set("seed", 11).set("opt.lr", 10);
    for (int i = 0; i < keyValues.length; i += 2) {
      l.set((String) keyValues[i], keyValues[i + 1]);
    }
    open.add(l);
    return l;
  }

  private static void assertProbabilities(double[] expected, Prediction p, String what) {
    for (int i = 0; i < p.nrow(); i++) {
      for (int c = 0; c < expected.length; c++) {
        assertEquals(expected[c], p.prob(i, c), 1e-6, what + ": row " + i + ", class " + c);
      }
    }
  }

  private static void assertResponses(float expected, Prediction p, String what) {
    for (int i = 0; i < p.nrow(); i++) {
      assertEquals(expected, p.response(i), 0f, what + ": row " + i);
    }
  }

  /** Every parameter but the frozen bias is still exactly 0. */
  private static void assertWeightsStillZero(TorchLearner l, String what) {
    for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
      if (p.getValue().requiresGradient()) {
        for (float v : p.getValue().getArray().toFloatArray()) {
          assertEquals(0f, v, 0f, what + ": " + p.getKey());
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
      "pytorch, adam, 10, 3", "mxnet, adam, 10, 3",
      "pytorch, sgd, 100, 4", "mxnet, sgd, 100, 4",
      "pytorch, adamw, 5, 10", "mxnet, adamw, 5, 1"})
  void classificationPredictsTheTrainingClassFrequencies(String engine, String optimizer, double lr, int batchSize) {
    Losses losses = new Losses();
    // Data-parallel too: each batch split over two copies of the network (batch size 1 cannot be split).
    TorchLearner l = learner("classif.featureless", "engine", engine, "optimizer", optimizer, "opt.lr", lr,
        "batch_size", batchSize, "measures_train", List.of("classif.acc"), "devices", batchSize > 1 ? 2 : 1);
    if (optimizer.equals("sgd")) {
      l.set("opt.momentum", 0.9);
    } else if (optimizer.equals("adamw")) {
      l.set("opt.weight_decay", 0.5);
    }
    l.callbacks(TorchCallback.of("losses", Losses.class, () -> losses)).train(uneven());
    String what = engine + " " + optimizer;
    assertEquals(engine, l.model().backend());
    double[] shares = {0.5, 0.3, 0.2};
    assertProbabilities(shares, l.predict(uneven()), what);
    assertProbabilities(shares, l.model().predict(far(5)), what + ", far rows");
    assertResponses(0, l.model().predict(far(5)), what);
    assertWeightsStillZero(l, what);
    // The baseline's loss, every epoch: the cross-entropy of the frequencies, their entropy.
    double entropy = -(0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2));
    assertEquals(4, losses.epochs.size());
    losses.epochs.forEach(loss -> assertEquals(entropy, loss, 1e-5, what));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void weightedClassificationPredictsTheWeightedFrequencies(String engine) {
    // Class a's 5 rows weigh 0.5 each, b's 3 rows 1 each, c's 2 rows 2 each: c weighs most.
    float[] weights = new float[CLASSES.length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = new float[] {0.5f, 1f, 2f}[CLASSES[i]];
    }
    TorchLearner l = learner("classif.featureless", "engine", engine, "optimizer", "sgd", "opt.lr", 50);
    l.train(uneven().withWeights(weights));
    Prediction p = l.model().predict(far(3));
    assertProbabilities(new double[] {2.5 / 9.5, 3 / 9.5, 4 / 9.5}, p, engine);
    assertResponses(2, p, engine);

    // Class c's rows weigh nothing: it gets probability 0, and the training loss stays finite.
    for (int i = 0; i < weights.length; i++) {
      weights[i] = CLASSES[i] == 2 ? 0 : 1;
    }
    Losses losses = new Losses();
    TorchLearner absent = learner("classif.featureless", "engine", engine)
        .callbacks(TorchCallback.of("losses", Losses.class, () -> losses));
    absent.train(uneven().withWeights(weights));
    p = absent.predict(uneven());
    assertProbabilities(new double[] {5 / 8.0, 3 / 8.0, 0}, p, engine + ", c absent");
    for (int i = 0; i < p.nrow(); i++) {
      assertEquals(0f, p.prob(i, 2), 0f, "exactly 0");
    }
    losses.epochs.forEach(loss -> assertTrue(Double.isFinite(loss), engine + ": " + losses.epochs));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void regressionPredictsTheMeanOrTheMedian(String engine) {
    Losses losses = new Losses();
    TorchLearner mean = learner("regr.featureless", "engine", engine, "optimizer", "adam", "opt.lr", 20)
        .callbacks(TorchCallback.of("losses", Losses.class, () -> losses));
    mean.train(values());
    assertResponses(31f / 8, mean.model().predict(far(4)), engine + " mean");
    assertWeightsStillZero(mean, engine);
    double squares = 0;
    for (float v : VALUES) {
      squares += (v - 31.0 / 8) * (v - 31.0 / 8);
    }
    double variance = squares / VALUES.length;
    losses.epochs.forEach(loss -> assertEquals(variance, loss, 1e-5 * variance, engine + ": the squared error around the mean"));

    TorchLearner median = learner("regr.featureless", "engine", engine, "robust", true, "optimizer", "sgd", "opt.momentum", 0.9,
        "opt.lr", 100, "batch_size", 5);
    median.train(values());
    assertResponses(3.5f, median.model().predict(far(4)), engine + " median");

    // Weights 2, 1, 1, 0, 1, 3, 1, 1: as the values 1, 2, 3, 3, 4, 5, 6, 9, 9, 9 (the 0-weight 1 left out).
    Task weighted = values().withWeights(new float[] {2, 1, 1, 0, 1, 3, 1, 1});
    mean.train(weighted);
    assertResponses(51f / 10, mean.model().predict(far(2)), engine + " weighted mean");
    median.train(weighted);
    // Half the weight lies at or below 4: the mean of 4 and 5.
    assertResponses(4.5f, median.model().predict(far(2)), engine + " weighted median, halfway");
    // Weights 2, 1, 1, 0, 1, 3, 1, 2: as 1, 2, 3, 3, 4, 5, 6, 6, 9, 9, 9; the middle one is 5.
    weighted = values().withWeights(new float[] {2, 1, 1, 0, 1, 3, 1, 2});
    median.train(weighted);
    assertResponses(5f, median.model().predict(far(2)), engine + " weighted median");
    mean.train(weighted);
    assertResponses((float) (57.0 / 11), mean.model().predict(far(2)), engine + " weighted mean");
  }

  @Test
  void aResampleOfIrisScoresAThirdInEveryStratifiedFold() {
    // Five stratified folds of 50 rows per class: each trains on 40 of every class, a tie broken
    // for the first class, and tests on 10 of every class.
    LearnerConfig config = new LearnerConfig("classif.featureless", List.of(),
        Map.of("epochs", 2, "batch_size", 32, "opt.lr", 1, "seed", 5));
    Resample.Result r = Resample.run(PLATFORM, config, PLATFORM.task("iris"), Resampling.cv(5).seed(9),
        List.of("classif.acc", "classif.ce", "classif.logloss"), Resample.Options.quiet());
    assertEquals(5, r.folds().size());
    for (Resample.Fold fold : r.folds()) {
      assertEquals(120, fold.trainRows());
      assertEquals(1.0 / 3, fold.scores().get("classif.acc"), 1e-12, "fold " + fold.fold());
      assertEquals(2.0 / 3, fold.scores().get("classif.ce"), 1e-12, "fold " + fold.fold());
      assertEquals(Math.log(3), fold.scores().get("classif.logloss"), 1e-6, "fold " + fold.fold());
    }
    assertEquals(1.0 / 3, r.mean("classif.acc"), 1e-12);
    assertEquals(0, r.aggregate("classif.acc").sd(), 1e-12);
  }

  @Test
  void aTuningOfRobustScoresEachTrialAsTheBaselineComputedByHand() throws IOException {
    Path csv = tmp.resolve("skewed.csv");
    StringBuilder rows = new StringBuilder("x,y\n");
    for (int i = 0; i < 12; i++) {
      rows.append(i).append(',').append(i * i * i % 97).append('\n');
    }
    Files.writeString(csv, rows);
    Task task = Torchwork.tsk(csv, "y", TaskType.REGR);
    LearnerConfig base = new LearnerConfig("regr.featureless", List.of(), Map.of("epochs", 2, "batch_size", 4, "seed", 1));
    Resampling cv = Resampling.cv(3);
    Tuning.Outcome outcome;
    try (LocalTrials workers = new LocalTrials(PLATFORM, 1, List.of())) {
      outcome = new Tuning(PLATFORM, base, TaskReference.csv(csv, "y"), Map.of("robust", List.of(false, true)), cv,
          List.of("regr.mae"), tmp.resolve("tuning")).method("grid").trials(2).seed(4).run(workers, r -> { });
    }
    assertEquals(2, outcome.results().size());
    for (TrialResult trial : outcome.results()) {
      assertTrue(trial.ok(), trial.toString());
      boolean robust = (Boolean) trial.values().get("robust");
      // Each fold's baseline is its training rows' mean or median, scored on its test rows.
      double sum = 0;
      List<Resampling.Split> splits = cv.seed(4).splits(task);
      for (Resampling.Split split : splits) {
        float[] y = new float[split.train().length];
        for (int i = 0; i < y.length; i++) {
          y[i] = task.target(split.train()[i]);
        }
        Arrays.sort(y);
        double mean = 0;
        for (float v : y) {
          mean += v / (double) y.length;
        }
        double median = y.length % 2 == 1 ? y[y.length / 2] : ((double) y[y.length / 2 - 1] + y[y.length / 2]) / 2;
        float predicted = (float) (robust ? median : mean);
        double mae = 0;
        for (int row : split.test()) {
          mae += Math.abs(task.target(row) - (double) predicted) / split.test().length;
        }
        sum += mae;
      }
      assertEquals(sum / splits.size(), trial.mean("regr.mae"), 1e-9, "robust=" + robust);
    }
  }

  @Test
  void aSavedModelLoadsOnEitherEngineAndExportsToTorchScript() throws Exception {
    for (String engine : new String[] {"pytorch", "mxnet"}) {
      TorchLearner l = learner("regr.featureless", "engine", engine, "robust", true);
      l.train(values());
      Path dir = tmp.resolve("regr-" + engine);
      l.model().save(dir);
      for (String other : new String[] {"pytorch", "mxnet"}) {
        TrainedModel back = TrainedModel.load(dir, PLATFORM, other, null);
        open.add(back);
        assertEquals("regr.featureless", back.learner());
        assertEquals(true, back.params().get("robust"));
        assertResponses(3.5f, back.predict(far(3)), engine + " to " + other);
      }
      TrainedModel.Export export = l.model().export(tmp.resolve("regr-" + engine + ".pt"), "torchscript");
      assertTrue(export.verified(), export.toString());
      assertEquals(0, export.maxDifference(), 1e-6, export.toString());

      TorchLearner c = learner("classif.featureless", "engine", engine);
      c.train(uneven());
      Path classif = tmp.resolve("classif-" + engine);
      c.model().save(classif);
      TrainedModel back = TrainedModel.load(classif, PLATFORM, engine, null);
      open.add(back);
      assertArrayEquals(probabilities(c.predict(uneven())), probabilities(back.predict(uneven())), engine);
      assertProbabilities(new double[] {0.5, 0.3, 0.2}, back.predict(far(2)), engine + " loaded");
      export = c.model().export(tmp.resolve("classif-" + engine + ".pt"), "torchscript");
      assertTrue(export.verified(), export.toString());
      assertTrue(export.maxDifference() < 1e-6, export.toString());
    }
  }

  private static float[] probabilities(Prediction p) {
    float[] out = new float[p.nrow() * 3];
    for (int i = 0; i < p.nrow(); i++) {
      for (int c = 0; c < 3; c++) {
        out[i * 3 + c] = p.prob(i, c);
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aRunResumedInsideAnEpochEndsAsAnUninterruptedOne(String engine) {
    Path checkpoints = tmp.resolve("ckpt-" + engine);
    TorchCallback midEpoch = TorchCallback.of("mid_epoch", MidEpoch.class, () -> new MidEpoch(checkpoints));
    Losses straight = new Losses();
    TorchLearner whole = learner("classif.featureless", "engine", engine, "validate", 0.2, "measures_valid", List.of("classif.acc"))
        .callbacks(midEpoch, TorchCallback.of("losses", Losses.class, () -> straight));
    whole.train(uneven());
    Losses resumedLosses = new Losses();
    TorchLearner resumed = learner("classif.featureless", "engine", engine, "validate", 0.2, "measures_valid", List.of("classif.acc"),
        "resume", checkpoints.toString()).callbacks(midEpoch, TorchCallback.of("losses", Losses.class, () -> resumedLosses));
    resumed.train(uneven());
    // Epochs 2 to 4 ran again, the second from its checkpoint: the same losses, bit for bit.
    assertEquals(straight.epochs.subList(1, 4), resumedLosses.epochs);
    assertArrayEquals(probabilities(whole.predict(uneven())), probabilities(resumed.predict(uneven())));
  }

  @Test
  void earlyStoppingStopsABaselineThatCannotImprove() {
    // The validation score is the same every epoch: epoch 1 stays the best, and patience=2 ends the run after epoch 3.
    TorchLearner l = learner("regr.featureless", "epochs", 20, "validate", 0.25, "measures_valid", List.of("regr.mse"),
        "patience", 2, "restore_best_weights", true);
    l.train(values());
    assertEquals(3, l.model().epochs());
    assertEquals(RunEnd.EARLY_STOPPING, l.model().end().orElseThrow().kind());
  }

  @Test
  void aRegressionCsvTrainsThroughTheLearner() throws IOException {
    Path csv = tmp.resolve("prices.csv");
    Files.writeString(csv, "rooms,age,price\n3,10,250\n2,35,180\n4,5,410\n3,20,260\n1,60,150\n");
    Task prices = Torchwork.tsk(csv, "price", TaskType.REGR);
    TorchLearner mean = learner("regr.featureless", "batch_size", 2, "standardize", true);
    mean.train(prices);
    assertResponses((250f + 180 + 410 + 260 + 150) / 5, mean.predict(prices), "mean");
    TorchLearner median = learner("regr.featureless", "robust", true, "validate", 0.4, "measures_valid", List.of("regr.mae"));
    median.train(prices);
    // validate=0.4 trains on 3 of the 5 rows, drawn with the seed: the median is their middle price
    // (the first, third and fourth: 250, 410 and 260; all five rows' median is 250).
    int[] rows = Splits.holdout(prices.nrow(), 0.4, 11)[0];
    assertEquals(3, rows.length);
    float[] trained = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      trained[i] = prices.target(rows[i]);
    }
    Arrays.sort(trained);
    assertEquals(260f, trained[1]);
    assertResponses(trained[1], median.predict(prices), "median");
  }

  @Test
  void initFromIsRefusedBeforeTraining() {
    TorchLearner l = learner("regr.featureless");
    l.train(values());
    Path dir = tmp.resolve("saved");
    l.model().save(dir);
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> learner("regr.featureless", "init_from", dir.toString()).validate(values()));
    assertTrue(e.getMessage().startsWith("Learner 'regr.featureless' cannot start from a saved model (init_from=" + dir), e.getMessage());
    assertTrue(e.getMessage().endsWith("Remove init_from."), e.getMessage());
  }

  @Test
  void trainingRowsThatAllWeighNothingAreRefused() {
    // validate=0.25 holds out 2 of the 8 rows; only they weigh anything.
    float[] weights = new float[VALUES.length];
    for (int row : Splits.holdout(VALUES.length, 0.25, 11)[1]) {
      weights[row] = 1;
    }
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> learner("regr.featureless", "validate", 0.25).train(values().withWeights(weights)));
    assertEquals("Task 'values_train' has no training row of positive weight, so learner 'regr.featureless' has no statistic to"
        + " predict. Give some of the rows it trains on a positive weight.", e.getMessage());
  }

  @Test
  void theLearnersAreBuiltInWithMlr3sParameters() {
    assertTrue(PLATFORM.learners().ids().containsAll(List.of("classif.featureless", "regr.featureless")));
    TorchLearner c = learner("classif.featureless");
    assertEquals("mode", c.params().getString("method"));
    TorchworkException e = assertThrows(TorchworkException.class, () -> c.set("method", "sample"));
    assertTrue(e.getMessage().contains("mode"), e.getMessage());
    assertEquals(false, learner("regr.featureless").params().getBoolean("robust"));
    TorchworkException wrongType = assertThrows(TorchworkException.class, () -> learner("regr.featureless").train(uneven()));
    assertTrue(wrongType.getMessage().startsWith("Learner 'regr.featureless' is for"), wrongType.getMessage());
  }
}
