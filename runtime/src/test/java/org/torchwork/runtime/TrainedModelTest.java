package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Splits;

/**
 * A trained model outlives its process: saved, verified, loaded (on the same engine or the other),
 * and predicting exactly as before; with standardization, separate validation data and
 * fine-tuning, on real PyTorch and MXNet runs.
 */
class TrainedModelTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** Counts batches; its state is kept in the model. */
  public static final class CountBatches extends CallbackSet {
    private int batches;

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
    }

    @Override
    public Object stateDict() {
      return Map.of("batches", batches, "note", "counted");
    }

    @Override
    public void loadStateDict(Object state) {
      batches = ((Number) ((Map<?, ?>) state).get("batches")).intValue();
    }
  }

  /** Records how many rows each validation saw. */
  public static final class WatchValidation extends CallbackSet {
    private final List<Integer> rows;

    WatchValidation(List<Integer> rows) {
      this.rows = rows;
    }

    @Override
    public void onValidEnd(Context ctx) {
      rows.add(ctx.taskValid().orElseThrow().nrow());
    }
  }

  private TorchLearner learner(Object... keyValues) {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 32).set("neurons", List.of(16, 8))
        .set("seed", 11).set("engine", "pytorch").set("opt.lr", 0.01)
        .callbacks(TorchCallback.of("count", CountBatches.class, CountBatches::new));
    for (int i = 0; i < keyValues.length; i += 2) {
      l.set((String) keyValues[i], keyValues[i + 1]);
    }
    open.add(l);
    return l;
  }

  /** A learner trained one epoch, its model saved to {@code dir}. */
  private TorchLearner savedAt(Path dir) {
    TorchLearner l = learner("epochs", 1);
    l.train(IRIS);
    l.model().save(dir);
    return l;
  }

  private TrainedModel load(Path dir, String engine) {
    TrainedModel m = TrainedModel.load(dir, PLATFORM, engine, "cpu");
    open.add(m);
    return m;
  }

  private static float[] irisFeatures() {
    float[] x = new float[IRIS.nrow() * 4];
    IRIS.copyFeatures(Splits.identity(IRIS.nrow()), 0, IRIS.nrow(), x);
    return x;
  }

  private static float[] probs(Prediction p) {
    float[] out = new float[p.nrow() * p.classes().size()];
    for (int i = 0; i < p.nrow(); i++) {
      for (int c = 0; c < p.classes().size(); c++) {
        out[i * p.classes().size() + c] = p.prob(i, c);
      }
    }
    return out;
  }

  private static List<float[]> weights(TrainedModel m) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : m.network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void aSavedModelLoadsAndPredictsBitForBitWithEverythingItWasTrainedWith() throws IOException {
    TorchLearner l = learner("validate", 0.2, "measures_valid", List.of("classif.acc"));
    l.train(IRIS);
    Path dir = tmp.resolve("model");
    l.model().save(dir);
    assertEquals(List.of("manifest.json", "model.json", "network.params"), names(dir));

    TrainedModel back = load(dir, null);
    assertEquals("classif.mlp", back.learner());
    assertEquals(IRIS.featureNames(), back.features());
    assertEquals(IRIS.classes(), back.classes());
    assertEquals("Species", back.target());
    assertEquals(l.model().callbacks(), back.callbacks());
    assertEquals(Map.of("batches", 12, "note", "counted"), back.callbacks().get("count"), "3 epochs of 4 batches (120 rows)");
    assertEquals(11, back.seed());
    assertEquals(3, back.epochs());
    assertEquals(List.of(16, 8), back.params().get("neurons"));
    assertEquals(0.01, back.params().get("opt.lr"));
    assertEquals("pytorch", back.backend());
    assertTrue(back.backendChoice().contains("from the model's engine"), back.backendChoice());
    assertEquals("pytorch (PyTorch 2.7.1) on cpu", back.trainedOn());
    assertEquals(SavedModels.version(), back.torchworkVersion());
    assertEquals(dir, back.source().orElseThrow());

    Prediction before = l.predict(IRIS);
    Prediction after = back.predict(IRIS);
    assertArrayEquals(probs(before), probs(after), "the same probabilities, bit for bit");
    assertEquals(before.score(PLATFORM.measure("classif.acc")), after.score(PLATFORM.measure("classif.acc")));
  }

  @Test
  void aModelTrainedOnPyTorchLoadsOnMxnetAndTheOtherWayRound() {
    for (String[] engines : new String[][] {{"pytorch", "mxnet"}, {"mxnet", "pytorch"}}) {
      TorchLearner l = learner("engine", engines[0]);
      l.train(IRIS);
      Path dir = tmp.resolve("on-" + engines[0]);
      l.model().save(dir);
      TrainedModel other = load(dir, engines[1]);
      assertEquals(engines[1], other.backend());
      assertTrue(other.trainedOn().startsWith(engines[0] + " "), other.trainedOn());
      // DJL's parameter file holds each array's type, shape and raw bytes: every weight arrives
      // bit for bit on the other engine.
      List<float[]> trained = weights(l.model());
      List<float[]> loaded = weights(other);
      assertEquals(trained.size(), loaded.size());
      for (int i = 0; i < trained.size(); i++) {
        assertArrayEquals(trained.get(i), loaded.get(i), "parameter " + i + " from " + engines[0] + " on " + engines[1]);
      }
      // The engines' kernels may round differently in the last bits, no more.
      assertArrayEquals(probs(l.predict(IRIS)), probs(other.predict(IRIS)), 1e-5f);
    }
  }

  @Test
  void everyKindOfInputPredictsTheSame() {
    TorchLearner l = learner();
    l.train(IRIS);
    TrainedModel m = l.model();
    Prediction all = m.predict(IRIS);

    float[] x = irisFeatures();
    Prediction unlabeled = m.predict(Task.unlabeled("new", IRIS.featureNames(), x));
    assertFalse(unlabeled.hasTruth());
    assertArrayEquals(probs(all), probs(unlabeled));
    TorchworkException e = assertThrows(TorchworkException.class, () -> unlabeled.score(PLATFORM.measure("classif.acc")));
    assertTrue(e.getMessage().contains("the data predicted had no target"), e.getMessage());

    double[] first = {IRIS.feature(0, 0), IRIS.feature(0, 1), IRIS.feature(0, 2), IRIS.feature(0, 3)};
    Prediction one = m.predict(first);
    assertEquals(all.responseLabel(0), one.responseLabel(0));
    // A batch of one may round in the last bit differently from a batch of 32 (other kernels).
    assertEquals(all.prob(0, 2), one.prob(0, 2), 1e-6);
    Map<String, Double> byName = new LinkedHashMap<>();
    for (int j = 3; j >= 0; j--) {
      byName.put(IRIS.featureNames().get(j), first[j]);
    }
    byName.put("ignored", 99.0);
    assertEquals(one.prob(0, 1), m.predict(byName).prob(0, 1));
    assertEquals(2, m.predictRows(List.of(byName, byName)).nrow());

    // Columns in another order (and an extra one) are matched by name.
    List<String> reordered = List.of("Petal.Width", "extra", "Sepal.Length", "Petal.Length", "Sepal.Width");
    float[] rx = new float[IRIS.nrow() * 5];
    for (int i = 0; i < IRIS.nrow(); i++) {
      rx[i * 5] = IRIS.feature(i, 3);
      rx[i * 5 + 1] = -1;
      rx[i * 5 + 2] = IRIS.feature(i, 0);
      rx[i * 5 + 3] = IRIS.feature(i, 2);
      rx[i * 5 + 4] = IRIS.feature(i, 1);
    }
    assertArrayEquals(probs(all), probs(m.predict(Task.unlabeled("reordered", reordered, rx))));

    e = assertThrows(TorchworkException.class, () -> m.predict(Task.unlabeled("short", List.of("Sepal.Length", "Sepal.Width",
        "Petal.Lenght"), new float[3])));
    assertEquals("Task 'short' lacks features Petal.Length, Petal.Width, which the model needs. Did you mean 'Petal.Lenght'? Its"
        + " features: Sepal.Length, Sepal.Width, Petal.Lenght. Give a task with every feature the model was trained on:"
        + " Sepal.Length, Sepal.Width, Petal.Length, Petal.Width.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> m.predict(new double[] {1, Double.POSITIVE_INFINITY, 3, 4}));
    assertEquals("Row 1, feature 'Sepal.Width': Infinity is not a finite 32-bit float value. Give a finite number (within about"
        + " ±3.4e38), or NaN for a missing value.", e.getMessage());
    assertEquals(1, m.predict(new double[] {1, Double.NaN, 3, 4}).nrow(), "NaN is a missing value, imputed");
    e = assertThrows(TorchworkException.class, () -> m.predict(new double[] {1, 2, 3}));
    assertTrue(e.getMessage().startsWith("Row 1 has 3 values, but the model takes 4 features"), e.getMessage());
  }

  @Test
  void aFolderIsWrittenOnlyWhenNewEmptyOrAModelToOverwrite() throws IOException {
    TorchLearner l = savedAt(tmp.resolve("m"));
    Path dir = tmp.resolve("m");
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().save(dir));
    assertEquals("Model folder " + dir + " already holds a torchwork-model. Give another folder, or --overwrite (overwrite=true in"
        + " Java) to replace it.", e.getMessage());
    l.model().save(dir, true);
    load(dir, null);

    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("iris.csv"), "keep me");
    e = assertThrows(TorchworkException.class, () -> l.model().save(data, true));
    assertTrue(e.getMessage().contains("is not empty and does not hold a torchwork-model (it holds iris.csv)"), e.getMessage());
    assertEquals("keep me", Files.readString(data.resolve("iris.csv")));
  }

  @Test
  void aTamperedModelIsRefusedBeforeItIsUsed() throws IOException {
    TorchLearner l = savedAt(tmp.resolve("m"));
    Path dir = tmp.resolve("m");
    byte[] params = Files.readAllBytes(dir.resolve("network.params"));
    params[params.length - 3] ^= 0x04;
    Files.write(dir.resolve("network.params"), params);
    TorchworkException e = assertThrows(TorchworkException.class, () -> load(dir, null));
    assertTrue(e.getMessage().startsWith("Model folder " + dir + ": network.params does not match its SHA-256 in manifest.json"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("Restore the folder from a good copy, or train and save the model again."), e.getMessage());

    Path notAModel = Files.createDirectories(tmp.resolve("empty"));
    e = assertThrows(TorchworkException.class, () -> load(notAModel, null));
    assertTrue(e.getMessage().startsWith("Model folder " + notAModel + ": has no manifest.json, so it is not a torchwork-model"
        + " (it is empty). Give the folder that train --save (or TrainedModel.save) wrote."), e.getMessage());
  }

  @Test
  void aModelWhoseLearnerIsGoneSaysWhichItNeeds() {
    TorchLearner l = savedAt(tmp.resolve("m"));
    Path dir = tmp.resolve("m");
    Platform bare = Platform.builder().discover(false).build();
    TorchworkException e = assertThrows(TorchworkException.class, () -> TrainedModel.load(dir, bare, null, null));
    assertEquals("Model folder " + dir + " was trained with learner 'classif.mlp', which this Torchwork does not have. Available"
        + " learners: (none). Load it with a Torchwork that has the learner.", e.getMessage());
  }

  @Test
  void standardizationUsesTheTrainingRowsStatisticsAtTrainingAndPredictionTime() throws IOException {
    // The same data in other units trains the same network once standardized.
    float[] x = irisFeatures();
    float[] scaled = x.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = scaled[i] * 1000 + 50_000;
    }
    int[] y = new int[IRIS.nrow()];
    for (int i = 0; i < y.length; i++) {
      y[i] = (int) IRIS.target(i);
    }
    Task inMillimetres = Task.classif("iris_mm", "Species", IRIS.featureNames(), IRIS.classes(), scaled, y);
    TorchLearner plain = learner("standardize", true, "dropout", 0);
    TorchLearner big = learner("standardize", true, "dropout", 0);
    plain.train(IRIS);
    big.train(inMillimetres);
    assertTrue(plain.model().standardized());
    assertArrayEquals(probs(plain.predict(IRIS)), probs(big.predict(inMillimetres)), 1e-4f);

    Path dir = tmp.resolve("std");
    big.model().save(dir);
    com.google.gson.JsonObject std = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("model.json")))
        .getAsJsonObject().getAsJsonObject("standardization");
    for (int j = 0; j < 4; j++) {
      double sum = 0;
      for (int i = 0; i < inMillimetres.nrow(); i++) {
        sum += inMillimetres.feature(i, j);
      }
      assertEquals(sum / inMillimetres.nrow(), std.getAsJsonArray("mean").get(j).getAsDouble(), 1e-6, "the mean of feature " + j);
    }
    TrainedModel back = load(dir, null);
    assertArrayEquals(probs(big.predict(inMillimetres)), probs(back.predict(inMillimetres)), "saved statistics, bit for bit");
    assertFalse(learner("epochs", 1).train(IRIS).model().standardized());
  }

  @Test
  void aModelJsonWithValidHashesButBadValuesIsRefusedClearly() throws IOException {
    TorchLearner l = learner("epochs", 1, "standardize", true);
    l.train(IRIS);
    Path dir = tmp.resolve("m");
    l.model().save(dir);
    String json = Files.readString(dir.resolve("model.json"));
    String scaleZero = json.replaceFirst("\"scale\": \\[\\s*[0-9.Ee-]+", "\"scale\": [0.0");
    assertNotEquals(json, scaleZero);
    rewrite(dir, scaleZero);
    TorchworkException e = assertThrows(TorchworkException.class, () -> load(dir, null));
    assertTrue(e.getMessage().startsWith("Model folder " + dir + ": model.json cannot be read (A standardization has mean"), e.getMessage());

    rewrite(dir, json.replace("\"engine\": \"pytorch\",", ""));
    e = assertThrows(TorchworkException.class, () -> load(dir, null));
    assertEquals("Model folder " + dir + ": model.json is not valid: how it was trained is missing. Restore the folder from a good"
        + " copy, or train and save the model again.", e.getMessage());

    rewrite(dir, json.replace("\"Petal.Width\"", "\"Sepal.Width\""));
    e = assertThrows(TorchworkException.class, () -> load(dir, null));
    assertTrue(e.getMessage().contains("model.json is not valid: the feature names name one twice."), e.getMessage());
  }

  /** Replaces model.json and recomputes the manifest, as someone who knows the format could. */
  private static void rewrite(Path dir, String json) throws IOException {
    Files.writeString(dir.resolve("model.json"), json);
    byte[] bytes = Files.readAllBytes(dir.resolve("model.json"));
    String sha;
    try {
      sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String manifest = Files.readString(dir.resolve("manifest.json"));
    manifest = manifest.replaceFirst("(\"model.json\": \\{\\s*\"size\": )\\d+(,\\s*\"sha256\": \")[0-9a-f]+",
        "$1" + bytes.length + "$2" + sha);
    Files.writeString(dir.resolve("manifest.json"), manifest);
  }

  @Test
  void separateValidationDataIsValidatedOn() {
    int[][] split = Splits.holdout(IRIS.nrow(), 0.3, 3);
    Task train = IRIS.subset("iris_train", split[0]);
    Task valid = IRIS.subset("iris_valid", split[1]);
    List<Integer> validatedRows = new ArrayList<>();
    TorchCallback watch = TorchCallback.of("watch", WatchValidation.class, () -> new WatchValidation(validatedRows));
    TorchLearner l = learner("measures_valid", List.of("classif.acc"), "patience", 5).callbacks(watch);
    l.train(train, valid);
    assertEquals(List.of(45, 45, 45), validatedRows);
    assertTrue(l.model().callbacks().containsKey("early_stopping"));

    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("validate", 0.2).train(train, valid));
    assertEquals("Both validate=0.2 and a validation task ('iris_valid') are given. Give one: a ratio of the task's rows, or the"
        + " separate validation data.", e.getMessage());
    Task other = Task.regr("other", "y", IRIS.featureNames(), new float[8], new float[2]);
    e = assertThrows(TorchworkException.class, () -> learner().train(train, other));
    assertTrue(e.getMessage().startsWith("Validation task 'other' does not fit task 'iris_train'"), e.getMessage());
  }

  @Test
  void fineTuningStartsFromTheSavedWeights() {
    TorchLearner first = learner("dropout", 0);
    first.train(IRIS);
    Path dir = tmp.resolve("base");
    first.model().save(dir);
    // One epoch at a learning rate too small to move a 32-bit weight: the network is the saved one.
    TorchLearner tuned = learner("dropout", 0, "init_from", dir.toString(), "epochs", 1, "opt.lr", 1e-30, "seed", 99);
    tuned.train(IRIS);
    assertArrayEquals(probs(first.predict(IRIS)), probs(tuned.predict(IRIS)));
    // From scratch, the same settings give another network.
    TorchLearner fresh = learner("dropout", 0, "epochs", 1, "opt.lr", 1e-30, "seed", 99);
    fresh.train(IRIS);
    assertNotEquals(first.predict(IRIS).prob(0, 0), fresh.predict(IRIS).prob(0, 0));
    assertEquals(dir.toString(), tuned.model().params().get("init_from"));

    // The network's own parameters that are not set come from the saved model, so its weights fit.
    TorchLearner unset = PLATFORM.learner("classif.mlp").set("epochs", 1).set("batch_size", 32).set("engine", "pytorch")
        .set("init_from", dir.toString()).set("opt.lr", 1e-30).set("dropout", 0);
    open.add(unset);
    unset.train(IRIS);
    assertEquals(List.of(16, 8), unset.model().params().get("neurons"));
    assertArrayEquals(probs(first.predict(IRIS)), probs(unset.predict(IRIS)));

    Task fewer = Task.classif("fewer", "Species", List.of("a", "b", "c", "d"), IRIS.classes(), new float[12], new int[] {0, 1, 2});
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("init_from", dir.toString()).train(fewer));
    assertEquals("Model folder " + dir + " (init_from) was trained on features [Sepal.Length, Sepal.Width, Petal.Length,"
        + " Petal.Width] and classes [setosa, versicolor, virginica], but task 'fewer' has [a, b, c, d] and [setosa, versicolor,"
        + " virginica]. Fine-tune on data with the same columns, in the same order, and the same classes.", e.getMessage());
  }

  @Test
  void valuesThatAreNotFiniteAreRefusedBeforeTraining() {
    float[] x = irisFeatures();
    x[17 * 4 + 2] = Float.POSITIVE_INFINITY;
    int[] y = new int[IRIS.nrow()];
    Task bad = Task.classif("bad", "Species", IRIS.featureNames(), IRIS.classes(), x, y);
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner().train(bad));
    assertEquals("Task 'bad' row 18, feature 'Petal.Length': Infinity is not a finite number. Networks cannot learn from it; remove"
        + " the value or leave it missing (NaN) to be imputed.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner().train(Task.unlabeled("u", IRIS.featureNames(), new float[4])));
    assertTrue(e.getMessage().startsWith("Task 'u' has no target, so it cannot be trained on."), e.getMessage());
  }

  @Test
  void aModelExportsToTorchScriptThatLibtorchLoadsAndRunsAsTheModelDoes() throws Exception {
    for (Object[] setup : new Object[][] {{"relu", false, "pytorch"}, {"leaky_relu", true, "mxnet"}, {"elu", true, "pytorch"},
        {"gelu", false, "pytorch"}, {"mish", true, "pytorch"}, {"selu", false, "mxnet"}, {"sigmoid", true, "pytorch"}, {"tanh", false, "pytorch"},
        {"softplus", false, "mxnet"}}) {
      TorchLearner l = learner("activation", setup[0], "standardize", setup[1], "engine", setup[2]);
      l.train(IRIS);
      Path file = tmp.resolve(setup[0] + ".pt");
      TrainedModel.Export export;
      try {
        export = l.model().export(file, "torchscript");
      } catch (TorchworkException e) {
        throw new AssertionError(setup[0] + " on " + setup[2] + ": " + e.getMessage(), e);
      }
      assertTrue(export.verified(), setup[0] + ": " + export);
      assertTrue(export.maxDifference() < 1e-5, setup[0] + ": " + export);
      // Loaded independently, as DJL Serving would: the archive alone, raw features in, probabilities out.
      try (ai.djl.Model ts = ai.djl.Model.newInstance("ts", ai.djl.Device.cpu(), "PyTorch");
          ai.djl.ndarray.NDManager m = ts.getNDManager().newSubManager()) {
        ts.load(file);
        float[] x = irisFeatures();
        float[] out = ts.getBlock().forward(new ai.djl.training.ParameterStore(m, false),
            new ai.djl.ndarray.NDList(m.create(x, new ai.djl.ndarray.types.Shape(IRIS.nrow(), 4))), false).singletonOrThrow().toFloatArray();
        assertArrayEquals(probs(l.predict(IRIS)), out, 1e-5f, setup[0].toString());
      }
    }
  }

  @Test
  void aRegressionModelExportsItsValues() throws Exception {
    Task cars = TestTasks.regressionTask();
    TorchLearner l = PLATFORM.learner("regr.mlp").set("epochs", 5).set("batch_size", 8).set("neurons", 6).set("seed", 1)
        .set("engine", "pytorch").set("standardize", true);
    open.add(l);
    l.train(cars);
    TrainedModel.Export export = l.model().export(tmp.resolve("regr.pt"), "TorchScript");
    assertTrue(export.verified());
    assertTrue(export.maxDifference() < 1e-5, export.toString());
  }

  @Test
  void formatsThatCannotBeWrittenSayWhy() {
    TorchLearner l = learner("epochs", 1);
    l.train(IRIS);
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().export(tmp.resolve("m"), "mxnet"));
    assertTrue(e.getMessage().startsWith("Export format 'mxnet' cannot be written: MXNet serves symbolic models"), e.getMessage());
    assertTrue(e.getMessage().endsWith("Use --format torchscript."), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> l.model().export(tmp.resolve("m"), "onnx"));
    assertTrue(e.getMessage().contains("DJL cannot write ONNX"), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> l.model().export(tmp.resolve("m"), "torchscrpt"));
    assertEquals("Unknown export format 'torchscrpt'. Did you mean 'torchscript'? Formats: torchscript (mxnet, onnx and djl cannot be"
        + " written; export says why).", e.getMessage());
  }

  @Test
  void anExportThatDoesNotPredictAsTheModelIsNotKeptAndThePreviousFileStays() throws IOException {
    // A block that calls itself ReLU but doubles: its translation is wrong, and the check sees it.
    org.torchwork.api.spi.LearnerSpec lying = org.torchwork.api.spi.LearnerSpec.of("classif.lying", "Lying", org.torchwork.api.TaskType.CLASSIF,
        org.torchwork.api.ParamSet.of(), (shape, params) -> new ai.djl.nn.SequentialBlock()
            .add(ai.djl.nn.core.Linear.builder().setUnits(8).build())
            .add(new ai.djl.nn.LambdaBlock(x -> new ai.djl.ndarray.NDList(x.singletonOrThrow().mul(2)), "ReLU"))
            .add(ai.djl.nn.core.Linear.builder().setUnits(shape.outputs()).build()));
    Platform platform = Platform.builder().learner(lying).build();
    TorchLearner l = platform.learner("classif.lying").set("epochs", 1).set("batch_size", 50).set("seed", 1).set("engine", "pytorch");
    open.add(l);
    l.train(IRIS);
    Path file = Files.writeString(tmp.resolve("model.pt"), "the previous export");
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().export(file, "torchscript"));
    assertTrue(e.getMessage().startsWith("The TorchScript file written for this model predicts differently from it"), e.getMessage());
    assertEquals("the previous export", Files.readString(file));
    assertEquals(List.of("model.pt"), names(tmp));
  }

  @Test
  void nothingIsWrittenIntoAModelFolder() throws IOException {
    TorchLearner l = savedAt(tmp.resolve("m"));
    Path dir = tmp.resolve("m");
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().export(dir.resolve("model.pt"), "torchscript"));
    assertEquals("Export file " + dir.resolve("model.pt") + " is inside the folder of a torchwork-model (" + dir + "), which must"
        + " hold only what its manifest.json lists; writing there would make it fail its check. Write the file elsewhere.",
        e.getMessage());
    Path data = Files.writeString(tmp.resolve("d.csv"), "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width\n5,3,1.5,0.2\n");
    e = assertThrows(TorchworkException.class, () -> l.model().predictCsv(data, dir.resolve("p.csv"), null, 10));
    assertTrue(e.getMessage().startsWith("Predictions file " + dir.resolve("p.csv") + " is inside the folder of a torchwork-model"));
    load(dir, null);
  }

  @Test
  void aMissingValueIsPredictedWithTheTrainingMedianAndOnlyUsedColumnsMustBeFinite() {
    TorchLearner l = learner("epochs", 1);
    l.train(IRIS);
    List<String> features = List.of("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", "notes");
    Prediction p = l.model().predict(Task.unlabeled("t", features, new float[] {5, 3, 1.5f, 0.2f, Float.POSITIVE_INFINITY}));
    assertEquals(1, p.nrow());
    float median = (float) (double) l.model().preprocessing().inputs().get(1).fill();
    assertEquals(3.0f, median, "Sepal.Width's median in iris");
    Prediction missing = l.model().predict(Task.unlabeled("t", features, new float[] {5, Float.NaN, 1.5f, 0.2f, 0}));
    Prediction filled = l.model().predict(Task.unlabeled("t", features, new float[] {5, median, 1.5f, 0.2f, 0}));
    assertEquals(filled.prob(0, 0), missing.prob(0, 0));
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> l.model().predict(Task.unlabeled("t", features, new float[] {5, Float.NEGATIVE_INFINITY, 1.5f, 0.2f, 0})));
    assertEquals("Task 't' row 1, feature 'Sepal.Width': -Infinity is not a finite number. Networks cannot learn from it; remove the"
        + " value or leave it missing (NaN) to be imputed.", e.getMessage());
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
