package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Param;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;

/**
 * The {@code loss}, {@code loss.<param>} and {@code class_weight} learner parameters: what learners
 * list, what each run records, and every mistake refused before training with what to do instead.
 */
class LossSettingsTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");
  private static final Task CARS = TestTasks.regressionTask();
  private final List<TorchLearner> learners = new ArrayList<>();

  @TempDir Path tmp;

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  private TorchLearner learner(String id) {
    TorchLearner l = PLATFORM.learner(id).set("epochs", 1).set("batch_size", 16).set("seed", 1);
    learners.add(l);
    return l;
  }

  /** Fails the test when a run gets as far as on_begin. */
  public static final class NeverBegins extends CallbackSet {
    @Override
    public void onBegin(Context ctx) {
      throw new AssertionError("the run should have been refused before training");
    }
  }

  private static TorchworkException refusedBeforeTraining(TorchLearner l, Task task) {
    l.callbacks(TorchCallback.of("never_begins", NeverBegins.class, NeverBegins::new));
    return assertThrows(TorchworkException.class, () -> l.train(task));
  }

  @Test
  void everyLearnerListsTheLossAndTheParametersOfTheLossesForItsTaskType() {
    List<String> classif = learner("classif.mlp").paramSet().ids();
    assertTrue(classif.containsAll(List.of("loss", "class_weight", "loss.label_smoothing", "loss.gamma")), classif.toString());
    assertFalse(classif.contains("loss.delta"), classif.toString());
    List<String> regr = learner("regr.mlp").paramSet().ids();
    assertTrue(regr.containsAll(List.of("loss", "class_weight", "loss.delta", "loss.beta")), regr.toString());
    assertFalse(regr.contains("loss.gamma"), regr.toString());
    Param gamma = learner("classif.mlp").paramSet().find("loss.gamma").orElseThrow();
    assertEquals("loss.gamma: a number >= 0, default 2 - focal: how strongly rows already classified well are discounted; 0 is"
        + " cross_entropy", gamma.summary());
    assertEquals("cross_entropy", learner("classif.mlp").paramSet().find("loss").orElseThrow().defaultValue());
    assertEquals("mse", learner("regr.mlp").paramSet().find("loss").orElseThrow().defaultValue());
  }

  @Test
  void aRunRecordsItsLossAndTheLossParametersWithTheirDefaults() {
    Map<String, Object> params = learner("classif.mlp").params().asMap();
    assertEquals("cross_entropy", params.get("loss"));
    assertEquals(0.0, params.get("loss.label_smoothing"));
    assertFalse(params.containsKey("loss.gamma"));
    Map<String, Object> focal = learner("classif.mlp").set("loss", "focal").set("loss.gamma", 1).params().asMap();
    assertEquals(1.0, focal.get("loss.gamma"));
    assertFalse(focal.containsKey("loss.label_smoothing"));
    // A loss parameter may be set before the loss it belongs to.
    TorchLearner huber = learner("regr.mlp").set("loss.delta", "0.5").set("loss", "huber");
    assertTrue(huber.toString().contains("* Parameters: epochs=1, batch_size=16, seed=1, loss=huber, loss.delta=0.5\n"),
        huber.toString());
    huber.train(CARS);
    huber.model().save(tmp.resolve("m"));
    TrainedModel loaded = TrainedModel.load(tmp.resolve("m"), PLATFORM, null, null);
    try {
      assertEquals("huber", loaded.params().get("loss"));
      assertEquals(0.5, loaded.params().get("loss.delta"));
    } finally {
      loaded.close();
    }
  }

  @Test
  void aLossForTheOtherTaskTypeIsRefusedNamingTheLossesToUse() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("classif.mlp").set("loss", "poisson"));
    assertEquals("Parameter 'loss': loss 'poisson' is for regr tasks, but learner 'classif.mlp' is a classif learner. Use a loss for"
        + " classif tasks: cross_entropy, focal.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("regr.mlp").set("loss", "cross_entropy"));
    assertEquals("Parameter 'loss': loss 'cross_entropy' is for classif tasks, but learner 'regr.mlp' is a regr learner. Use a loss"
        + " for regr tasks: huber, l1, mse, poisson, smooth_l1.", e.getMessage());
  }

  @Test
  void anUnknownLossListsTheLossesAndTheNearest() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("regr.mlp").set("loss", "hubr"));
    assertEquals("Unknown loss 'hubr'. Did you mean 'huber'? Available losses: cross_entropy, focal, huber, l1, mse, poisson,"
        + " smooth_l1. (Losses are found on the module path.)", e.getMessage());
  }

  @Test
  void aLossParameterOfAnotherLossIsRefusedBeforeTrainingNamingTheLossItBelongsTo() {
    TorchworkException e = refusedBeforeTraining(learner("regr.mlp").set("loss.delta", 2), CARS);
    assertEquals("Parameter 'loss.delta' is a parameter of loss 'huber', but learner 'regr.mlp' trains with loss 'mse', which takes"
        + " no parameters. Set loss=huber to use it, or remove loss.delta.", e.getMessage());
    e = refusedBeforeTraining(learner("classif.mlp").set("loss.gamma", 1), IRIS);
    assertEquals("Parameter 'loss.gamma' is a parameter of loss 'focal', but learner 'classif.mlp' trains with loss 'cross_entropy',"
        + " whose parameters are loss.label_smoothing. Set loss=focal to use it, or remove loss.gamma.", e.getMessage());
    e = refusedBeforeTraining(learner("classif.mlp").set("loss.delta", 2), IRIS);
    assertEquals("Parameter 'loss.delta' is a parameter of loss 'huber', for regr tasks, but learner 'classif.mlp' is a classif"
        + " learner training with loss 'cross_entropy'. Remove loss.delta.", e.getMessage());
  }

  @Test
  void anUnknownOrInvalidLossParameterIsRefusedWhenSet() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("regr.mlp").set("loss.detla", 1));
    assertEquals("Unknown parameter 'loss.detla': no loss has a parameter 'detla'. Did you mean 'loss.delta'? Loss parameters:"
        + " loss.label_smoothing (cross_entropy), loss.gamma (focal), loss.delta (huber), loss.beta (smooth_l1).", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("regr.mlp").set("loss", "huber").set("loss.delta", 0));
    assertTrue(e.getMessage().startsWith("Parameter 'loss.delta': "), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("classif.mlp").set("loss.label_smoothing", 1.5));
    assertTrue(e.getMessage().startsWith("Parameter 'loss.label_smoothing': "), e.getMessage());
  }

  @Test
  void classWeightIsForClassificationAndItsValueIsChecked() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner("regr.mlp").set("class_weight", "balanced"));
    assertEquals("Parameter 'class_weight' is for classification: it weighs each row by its class, and learner 'regr.mlp' is a regr"
        + " learner, whose rows have no class. Remove class_weight; to weigh regression rows, give the task row weights"
        + " (Task.withWeights).", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("classif.mlp").set("class_weight", "setosa=2"));
    assertEquals("Parameter 'class_weight': 'setosa=2' is not a class and its weight. Give balanced, or class:weight pairs separated"
        + " by commas, e.g. class_weight=setosa:2,virginica:0.5.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("classif.mlp").set("class_weight", "setosa:-1"));
    assertEquals("Parameter 'class_weight': class 'setosa' has weight '-1'. A class's weight is a finite number, 0 or more, e.g."
        + " setosa:2.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner("classif.mlp").set("class_weight", "setosa:1,setosa:2"));
    assertEquals("Parameter 'class_weight' gives class 'setosa' a weight twice. Give each class once.", e.getMessage());
    e = refusedBeforeTraining(learner("classif.mlp").set("class_weight", "setossa:2"), IRIS);
    assertEquals("Parameter 'class_weight' names class 'setossa', which task 'iris' does not have. Did you mean 'setosa'? Its"
        + " classes: setosa, versicolor, virginica.", e.getMessage());
    e = refusedBeforeTraining(learner("classif.mlp").set("class_weight", "setosa:0,versicolor:0,virginica:0"), IRIS);
    assertEquals("class_weight=setosa:0,versicolor:0,virginica:0 leaves every training row of task 'iris' with weight 0, so there is"
        + " nothing to learn from. Give a class with training rows a weight above 0.", e.getMessage());
  }

  /** Keeps the weight each training row trains with, by the row's id (its first feature). */
  public static final class TrainWeights extends CallbackSet {
    final Map<Integer, Float> byId = new HashMap<>();
    boolean batchesWeighted = true;

    @Override
    public void onBegin(Context ctx) {
      Task t = ctx.taskTrain();
      for (int i = 0; i < t.nrow(); i++) {
        byId.put(Math.round(t.feature(i, 0)), t.weight(i));
      }
    }

    @Override
    public void onBatchBegin(Context ctx) {
      batchesWeighted &= ctx.batch().getLabels().size() == 2;
    }
  }

  /** 20 rows: row i has features (i, i mod 3), class b for i = 2, 5, 8, ..., 17 (6 rows) and a else (14). */
  private static Task unbalanced(boolean weighted) {
    float[] x = new float[40];
    int[] y = new int[20];
    float[] w = new float[20];
    for (int i = 0; i < 20; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = i % 3;
      y[i] = i % 3 == 2 ? 1 : 0;
      w[i] = 1 + i % 2;
    }
    Task t = Task.classif("unbalanced", "y", List.of("id", "mod"), List.of("a", "b"), x, y);
    return weighted ? t.withWeights(w) : t;
  }

  private TrainWeights weightsOf(Task task, Object... keyValues) {
    TrainWeights seen = new TrainWeights();
    TorchLearner l = learner("classif.mlp").set("epochs", 1).set("batch_size", 8)
        .callbacks(TorchCallback.of("train_weights", TrainWeights.class, () -> seen));
    for (int i = 0; i < keyValues.length; i += 2) {
      l.set((String) keyValues[i], keyValues[i + 1]);
    }
    l.train(task);
    return seen;
  }

  @Test
  void classWeightsMultiplyTheRowsWeights() {
    // b rows weigh 3 times their own weight; a rows keep theirs.
    TrainWeights seen = weightsOf(unbalanced(true), "class_weight", "b:3");
    assertEquals(20, seen.byId.size());
    for (int i = 0; i < 20; i++) {
      assertEquals((1 + i % 2) * (i % 3 == 2 ? 3f : 1f), seen.byId.get(i), "row " + i);
    }
    assertTrue(seen.batchesWeighted);
  }

  @Test
  void balancedWeighsEachClassByRowsOverClassesTimesItsRows() {
    // Without row weights: 20 rows, 2 classes; a has 14 rows: 20 / (2 * 14) = 5/7; b has 6: 20 / (2 * 6) = 5/3.
    TrainWeights plain = weightsOf(unbalanced(false), "class_weight", "balanced");
    assertTrue(plain.batchesWeighted, "class weights alone make a weighted run");
    for (int i = 0; i < 20; i++) {
      assertEquals(i % 3 == 2 ? (float) (5 / 3.0) : (float) (5 / 7.0), plain.byId.get(i), 1e-7, "row " + i);
    }
    // With row weights 1 (even rows) and 2 (odd rows): a weighs 7 * 1 + 7 * 2 = 21, b 3 * 1 + 3 * 2 = 9, all 30.
    // a: 30 / (2 * 21) = 5/7, b: 30 / (2 * 9) = 5/3, times each row's own weight.
    TrainWeights weighted = weightsOf(unbalanced(true), "class_weight", "balanced");
    for (int i = 0; i < 20; i++) {
      double own = 1 + i % 2;
      assertEquals((float) (own * (i % 3 == 2 ? 5 / 3.0 : 5 / 7.0)), weighted.byId.get(i), 1e-6, "row " + i);
    }
  }

  @Test
  void balancedCountsTheTrainingRowsOnly() {
    TrainWeights seen = weightsOf(unbalanced(true), "class_weight", "balanced", "validate", 0.3);
    assertEquals(14, seen.byId.size(), "14 training rows, 6 held out");
    double a = 0;
    double b = 0;
    for (int id : seen.byId.keySet()) {
      if (id % 3 == 2) {
        b += 1 + id % 2;
      } else {
        a += 1 + id % 2;
      }
    }
    double classA = (a + b) / (2 * a);
    double classB = (a + b) / (2 * b);
    for (Map.Entry<Integer, Float> row : seen.byId.entrySet()) {
      int id = row.getKey();
      assertEquals((float) ((1 + id % 2) * (id % 3 == 2 ? classB : classA)), row.getValue(), 1e-6, "row " + id);
    }
    // Counted on all 20 rows, b would weigh 5/3: the held-out rows change it.
    assertTrue(Math.abs(classB - 5 / 3.0) > 1e-3, "the split changes the classes' shares: " + classB);
  }

  @Test
  void standardizedRowsKeepTheirWeights() {
    TrainWeights seen = new TrainWeights();
    TorchLearner l = learner("classif.mlp").set("standardize", true).set("batch_size", 8)
        .callbacks(TorchCallback.of("train_weights", TrainWeights.class, () -> seen));
    l.train(unbalanced(true));
    assertTrue(seen.batchesWeighted, "every batch holds the rows' weights");
    // Standardized, the first feature is no longer the row's id: the weights, 1 and 2 in turn, are still there.
    assertEquals(List.of(1f, 2f), seen.byId.values().stream().distinct().sorted().toList());
  }
}
