package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;

/** The stage contract, run for real on the PyTorch engine with the iris task. */
class TrainingLoopTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  private final List<String> log = new ArrayList<>();
  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  private TorchLearner learner(Object... keyValues) {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 2).set("batch_size", 64).set("neurons", 8).set("seed", 7);
    for (int i = 0; i < keyValues.length; i += 2) {
      l.set((String) keyValues[i], keyValues[i + 1]);
    }
    learners.add(l);
    return l;
  }

  private static TorchCallback descriptor(String id, Recorder r) {
    return TorchCallback.of(id, Recorder.class, () -> r);
  }

  @Test
  void runsEveryStageInOrderWithoutValidation() {
    Recorder r = new Recorder("r", log);
    learner().callbacks(descriptor("r", r)).train(IRIS);
    // 150 rows in batches of 64: 3 batches per epoch; no validation data.
    assertEquals(Recorder.expected("r", 2, 3, 0, new boolean[] {false, false}), log);
    assertEquals(List.of(0, 0), r.stepAtEpochBegin, "on_epoch_begin sees step reset to 0");
  }

  @Test
  void runsValidationStagesOnlyInEpochsThatValidate() {
    Recorder r = new Recorder("r", log);
    learner("epochs", 3, "validate", 0.2, "eval_freq", 2).callbacks(descriptor("r", r)).train(IRIS);
    // 120 training rows (2 batches), 30 validation rows (1 batch); eval_freq 2 validates
    // epoch 2 and the last epoch, 3.
    assertEquals(Recorder.expected("r", 3, 2, 1, new boolean[] {false, true, true}), log);
  }

  @Test
  void terminateFinishesTheEpochThenEnds() {
    Recorder r = new Recorder("r", log);
    r.terminateAt = Stage.ON_BATCH_BEGIN;
    r.terminateEpoch = 2;
    TorchLearner l = learner("epochs", 5, "validate", 0.2, "eval_freq", 10).callbacks(descriptor("r", r)).train(IRIS);
    // Epoch 2 runs to its end, and validates because the run is terminating.
    assertEquals(Recorder.expected("r", 2, 2, 1, new boolean[] {false, true}), log);
    assertEquals(2, l.model().epochs());
  }

  @Test
  void terminateInOnBeginRunsNoEpoch() {
    Recorder r = new Recorder("r", log);
    r.terminateAt = Stage.ON_BEGIN;
    r.terminateEpoch = 0;
    learner().callbacks(descriptor("r", r)).train(IRIS);
    assertEquals(List.of("r:on_begin", "r:on_end", "r:on_exit"), log);
  }

  @Test
  void aThrowingCallbackStopsTheRunAndEveryOnExitStillRuns() {
    Recorder a = new Recorder("a", log);
    Recorder b = new Recorder("b", log);
    b.failAt = Stage.ON_BATCH_END;
    b.failGlobalStep = 2;
    TorchLearner l = learner().callbacks(descriptor("a", a), descriptor("b", b));
    CallbackException e = assertThrows(CallbackException.class, () -> l.train(IRIS));
    assertEquals("b", e.callbackId());
    assertEquals(Stage.ON_BATCH_END, e.stage());
    assertTrue(e.getMessage().contains("Callback 'b' failed in on_batch_end"), e.getMessage());
    List<String> tail = log.subList(log.size() - 4, log.size());
    assertEquals(List.of("a:on_batch_end", "b:on_batch_end", "a:on_exit", "b:on_exit"), tail);
    assertFalse(log.contains("a:on_end"), "on_end runs only when the loop ends normally");
    assertInstanceOf(CallbackException.class, a.failureSeenOnExit, "on_exit sees the failure");
    assertThrows(IllegalStateException.class, l::model, "a failed run leaves no model");
  }

  @Test
  void callbacksRunInAscendingWeightThenInTheOrderGiven() {
    Recorder late = new Recorder("late", log);
    Recorder early = new Recorder("early", log);
    Recorder tie = new Recorder("tie", log);
    TorchCallback lateCb = TorchCallback.builder("late", Recorder.class).weight(5).build(p -> late);
    TorchCallback earlyCb = TorchCallback.builder("early", Recorder.class).weight(-1).build(p -> early);
    TorchCallback tieCb = TorchCallback.builder("tie", Recorder.class).weight(5).build(p -> tie);
    learner("epochs", 1).callbacks(lateCb, earlyCb, tieCb).train(IRIS);
    for (int i = 0; i < log.size(); i += 3) {
      String stage = log.get(i).substring(log.get(i).indexOf(':'));
      assertEquals(List.of("early" + stage, "late" + stage, "tie" + stage), log.subList(i, i + 3));
    }
  }

  @Test
  void afterBackwardSeesThisBatchsLoss() {
    Recorder r = new Recorder("r", log);
    learner().callbacks(descriptor("r", r)).train(IRIS);
    assertEquals(6, r.afterBackwardLosses.size());
    assertEquals(r.batchEndLosses, r.afterBackwardLosses);
    assertEquals(6, r.afterBackwardLosses.stream().distinct().count(), "each batch has its own loss");
  }

  @Test
  void valuesOutsideTheirStagesFailWithAnExplanation() {
    AtomicReference<String> message = new AtomicReference<>();
    Probe probe = new Probe(Stage.ON_EPOCH_END, ctx -> {
      try {
        ctx.batch();
      } catch (IllegalStateException e) {
        message.set(e.getMessage());
      }
    });
    learner("epochs", 1).callbacks(TorchCallback.of("probe", Probe.class, () -> probe)).train(IRIS);
    assertEquals(
        "ctx.batch() is not defined in on_epoch_end; it is defined in on_batch_begin, on_after_backward,"
            + " on_batch_end, on_batch_valid_begin, on_batch_valid_end.",
        message.get());
  }

  @Test
  void aFixedSeedGivesIdenticalLossesRunToRun() {
    Recorder first = new Recorder("r", new ArrayList<>());
    Recorder second = new Recorder("r", new ArrayList<>());
    Recorder other = new Recorder("r", new ArrayList<>());
    learner("epochs", 3).callbacks(descriptor("r", first)).train(IRIS);
    learner("epochs", 3).callbacks(descriptor("r", second)).train(IRIS);
    learner("epochs", 3, "seed", 8).callbacks(descriptor("r", other)).train(IRIS);
    assertEquals(first.batchEndLosses, second.batchEndLosses);
    assertNotEquals(first.batchEndLosses, other.batchEndLosses);
  }

  @Test
  void theSameContractHoldsOnMxnet() {
    Recorder r = new Recorder("r", log);
    TorchLearner l = learner("epochs", 2, "validate", 0.2, "engine", "mxnet").callbacks(descriptor("r", r)).train(IRIS);
    assertEquals(Recorder.expected("r", 2, 2, 1, new boolean[] {true, true}), log);
    assertEquals("mxnet", l.model().backend());
    assertTrue(l.model().backendChoice().startsWith("engine mxnet (MXNet "), l.model().backendChoice());
  }

  @Test
  void skipStepLeavesTheParametersAsTheyWere() {
    Recorder r = new Recorder("r", new ArrayList<>());
    Probe skip = new Probe(Stage.ON_AFTER_BACKWARD, Context::skipStep);
    learner("epochs", 2, "shuffle", false, "dropout", 0.0, "batch_size", 150)
        .callbacks(descriptor("r", r), TorchCallback.of("skip", Probe.class, () -> skip))
        .train(IRIS);
    assertEquals(r.batchEndLosses.get(0), r.batchEndLosses.get(1), "no step was taken, so the loss is unchanged");
    Recorder trained = new Recorder("r", new ArrayList<>());
    learner("epochs", 2, "shuffle", false, "dropout", 0.0, "batch_size", 150).callbacks(descriptor("r", trained)).train(IRIS);
    assertNotEquals(trained.batchEndLosses.get(0), trained.batchEndLosses.get(1));
  }

  @Test
  void theLearningRateCanBeReadAndSet() {
    List<Double> seen = new ArrayList<>();
    Probe probe = new Probe(Stage.ON_EPOCH_BEGIN, ctx -> {
      seen.add(ctx.learningRate());
      ctx.setLearningRate(ctx.learningRate() / 10);
    });
    learner("epochs", 3, "opt.lr", 0.01).callbacks(TorchCallback.of("lr", Probe.class, () -> probe)).train(IRIS);
    assertEquals(3, seen.size());
    assertEquals(0.01, seen.get(0), 1e-9);
    assertEquals(0.001, seen.get(1), 1e-9);
    assertEquals(0.0001, seen.get(2), 1e-9);
  }

  @Test
  void theModelKeepsEveryNonNullStateById() {
    Recorder r = new Recorder("r", log);
    Probe stateless = new Probe(Stage.ON_END, ctx -> {});
    TorchLearner l = learner("epochs", 1).callbacks(descriptor("r", r), TorchCallback.of("stateless", Probe.class, () -> stateless));
    l.train(IRIS);
    Map<String, Object> states = l.model().callbacks();
    assertEquals(Map.of("r", log.size() - 1), states, "collected after on_end, before on_exit");
  }

  @Test
  void aStateThatIsNotPlainDataIsAnErrorNamingTheCallback() {
    TorchLearner l = learner("epochs", 1).callbacks(TorchCallback.of("bad", FileState.class, FileState::new));
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
    assertTrue(e.getMessage().startsWith("Callback 'bad' failed in on_end: its stateDict() returned what cannot be saved:"
        + " state.file is a java.io.File."), e.getMessage());
  }

  @Test
  void callbackParametersAreCheckedBeforeAnyStageRuns() {
    Recorder r = new Recorder("r", log);
    TorchCallback withParam =
        TorchCallback.builder("r", Recorder.class).param(org.torchwork.api.Param.number("alpha").range(0, 1)).build(p -> r);
    TorchLearner l = learner().callbacks(withParam).set("cb.r.alpha", 0.5);
    l.set("cb.unused.x", 1);
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
    assertTrue(e.getMessage().contains("'cb.unused.x' is for callback 'unused', which this learner does not use"), e.getMessage());
    assertTrue(log.isEmpty());
    TorchworkException range = assertThrows(TorchworkException.class, () -> l.set("cb.r.alpha", 2));
    assertEquals("Parameter 'cb.r.alpha': 2 is out of range. It must be a number in [0, 1], e.g. cb.r.alpha=0.5.", range.getMessage());
  }

  @Test
  void aLinearClassifierTrainsWhateverItsGradientsSumTo() {
    // Softmax gradients cancel across classes, so a linear model's gradients sum to 0 up to
    // rounding; DJL's first-step check would refuse such a step at random.
    try (ai.djl.Model model = ai.djl.Model.newInstance("probe", ai.djl.Device.cpu(), "PyTorch")) {
      model.setBlock(ai.djl.nn.core.Linear.builder().setUnits(3).build());
      try (ai.djl.training.Trainer trainer =
          model.newTrainer(new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.softmaxCrossEntropyLoss()))) {
        assertTrue(org.torchwork.runtime.loop.Gradients.skipSumCheck(trainer), "DJL's Trainer still has the field the loop relies on");
      }
    }
    for (int seed = 1; seed <= 5; seed++) {
      Recorder r = new Recorder("r", new ArrayList<>());
      learner("neurons", List.of(), "seed", seed, "epochs", 1).callbacks(descriptor("r", r)).train(IRIS);
      assertEquals(3, r.batchEndLosses.size());
    }
  }

  /** Reads the gradients after backward; zeroes them when asked, so that no update moves a weight. */
  public static final class GradientReader extends CallbackSet {
    final List<String> names = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    boolean zero;

    @Override
    public void onAfterBackward(Context ctx) {
      Map<String, ai.djl.ndarray.NDArray> grads = ctx.gradients();
      // The same arrays for every reader of the step.
      assertTrue(grads == ctx.gradients() || grads.equals(ctx.gradients()));
      names.clear();
      names.addAll(grads.keySet());
      grads.forEach((name, g) -> {
        assertEquals(ctx.network().getParameters().get(name).getArray().getShape(), g.getShape(), name);
        if (zero) {
          g.subi(g);
        }
      });
    }

    @Override
    public void onBatchEnd(Context ctx) {
      try {
        ctx.gradients();
      } catch (IllegalStateException e) {
        errors.add(e.getMessage());
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pytorch", "mxnet"})
  void callbacksSeeTheGradientsTheOptimizerUses(String engine) {
    GradientReader reader = new GradientReader();
    TorchLearner l = learner("engine", engine, "optimizer", "sgd", "opt.lr", 0.5, "dropout", 0.0)
        .callbacks(TorchCallback.of("grads", GradientReader.class, () -> reader));
    l.train(IRIS);
    List<String> trained = new ArrayList<>();
    l.model().network().getBlock().getParameters().forEach(p -> trained.add(p.getKey()));
    assertEquals(trained, reader.names, "every trained parameter, by name, in the network's order");
    assertEquals("ctx.gradients() is not defined in on_batch_end; it is defined in on_after_backward.", reader.errors.get(0));

    // Zeroed in place by a callback, the gradients move no weight: the optimizer read the same arrays.
    GradientReader zeroing = new GradientReader();
    zeroing.zero = true;
    TorchLearner untrained = learner("engine", engine, "optimizer", "sgd", "opt.lr", 0.5, "dropout", 0.0, "epochs", 0)
        .callbacks(List.of()).train(IRIS);
    TorchLearner zeroed = learner("engine", engine, "optimizer", "sgd", "opt.lr", 0.5, "dropout", 0.0)
        .callbacks(TorchCallback.of("grads", GradientReader.class, () -> zeroing)).train(IRIS);
    List<float[]> before = new ArrayList<>();
    untrained.model().network().getBlock().getParameters().forEach(p -> before.add(p.getValue().getArray().toFloatArray()));
    List<float[]> after = new ArrayList<>();
    zeroed.model().network().getBlock().getParameters().forEach(p -> after.add(p.getValue().getArray().toFloatArray()));
    for (int i = 0; i < before.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(before.get(i), after.get(i), "parameter " + i);
    }
  }

  /** Scales the gradients by 0.3: through ctx.scaleGradients, in two factors, or on the arrays. */
  public static final class Scaler extends CallbackSet {
    final String how;
    final List<String> errors = new ArrayList<>();

    Scaler(String how) {
      this.how = how;
    }

    @Override
    public void onAfterBackward(Context ctx) {
      switch (how) {
        case "arrays":
          ctx.gradients().values().forEach(g -> g.muli(0.3f));
          break;
        case "folded":
          ctx.scaleGradients(0.5);
          ctx.scaleGradients(0.6);
          break;
        case "read":
          // Read before and after: the arrays fetched first hold the scaled values once read again.
          Map<String, ai.djl.ndarray.NDArray> grads = ctx.gradients();
          List<float[]> before = new ArrayList<>();
          grads.values().forEach(g -> before.add(g.toFloatArray()));
          ctx.scaleGradients(0.3);
          int i = 0;
          for (ai.djl.ndarray.NDArray g : ctx.gradients().values()) {
            float[] now = g.toFloatArray();
            float[] was = before.get(i++);
            for (int j = 0; j < now.length; j++) {
              if (now[j] != was[j] * 0.3f) {
                errors.add("element " + j + ": " + now[j] + " != " + was[j] + " * 0.3");
              }
            }
          }
          break;
        default:
          try {
            ctx.scaleGradients(Double.NaN);
          } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
          }
          ctx.scaleGradients(0.3);
      }
    }

    @Override
    public void onBatchEnd(Context ctx) {
      try {
        ctx.scaleGradients(2);
      } catch (IllegalStateException e) {
        errors.add(e.getMessage());
      }
    }
  }

  private List<float[]> weightsScaledBy(String engine, String optimizer, String how, List<String> errors) {
    Scaler scaler = new Scaler(how);
    TorchLearner l = learner("engine", engine, "dropout", 0.0, "epochs", 3, "batch_size", 16)
        .set("optimizer", optimizer.startsWith("sgd") ? "sgd" : optimizer)
        .set("opt.momentum", optimizer.equals("sgd+momentum") ? 0.9 : 0.0)
        .callbacks(TorchCallback.of("scale", Scaler.class, () -> scaler)).train(IRIS);
    errors.addAll(scaler.errors);
    List<float[]> weights = new ArrayList<>();
    l.model().network().getBlock().getParameters().forEach(p -> weights.add(p.getValue().getArray().toFloatArray()));
    return weights;
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({"pytorch, adam", "pytorch, sgd", "pytorch, sgd+momentum", "mxnet, adam",
      "mxnet, sgd", "mxnet, sgd+momentum"})
  void aScaleFoldedIntoTheUpdateTrainsAsScalingTheArrays(String engine, String optimizer) {
    List<String> errors = new ArrayList<>();
    List<float[]> arrays = weightsScaledBy(engine, optimizer, "arrays", errors);
    for (String how : List.of("once", "folded", "read")) {
      List<float[]> scaled = weightsScaledBy(engine, optimizer, how, errors);
      for (int i = 0; i < arrays.size(); i++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(arrays.get(i), scaled.get(i), how + ", parameter " + i);
      }
    }
    assertEquals("ctx.scaleGradients() is not defined in on_batch_end; it is defined in on_after_backward.", errors.get(0));
    assertTrue(errors.contains("ctx.scaleGradients(NaN): the factor must be a finite number."), errors.toString());
    assertTrue(errors.stream().allMatch(e -> e.startsWith("ctx.scaleGradients(")), errors.toString());
  }

  /** Reads the loss every batch, or only at the epoch's end. */
  public static final class LossReader extends CallbackSet {
    final boolean everyBatch;
    final List<Double> sums = new ArrayList<>();
    final List<Double> trainLosses = new ArrayList<>();
    final List<Double> lastAtEnd = new ArrayList<>();
    double sum;

    LossReader(boolean everyBatch) {
      this.everyBatch = everyBatch;
    }

    @Override
    public void onEpochBegin(Context ctx) {
      sum = 0;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      if (everyBatch) {
        sum += ctx.lastLoss() * ctx.batch().getSize();
      }
    }

    @Override
    public void onBeforeValid(Context ctx) {
      sums.add(sum / ctx.taskTrain().nrow());
      trainLosses.add(ctx.trainLoss());
      lastAtEnd.add(ctx.lastLoss());
    }
  }

  @Test
  void lossesReadLazilyGiveTheSameValuesAsLossesReadEveryBatch() {
    // 700 rows in batches of 1: every epoch crosses the groups of 256 losses read together.
    int n = 700;
    float[] x = new float[n * 2];
    int[] y = new int[n];
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) random.nextGaussian();
      x[2 * i + 1] = (float) random.nextGaussian();
      y[i] = x[2 * i] > x[2 * i + 1] ? 1 : 0;
    }
    Task task = Task.classif("lazy", "y", List.of("a", "b"), List.of("no", "yes"), x, y);
    LossReader eager = new LossReader(true);
    LossReader lazy = new LossReader(false);
    learner("epochs", 2, "batch_size", 1, "neurons", 4, "dropout", 0.0)
        .callbacks(TorchCallback.of("eager", LossReader.class, () -> eager)).train(task);
    learner("epochs", 2, "batch_size", 1, "neurons", 4, "dropout", 0.0)
        .callbacks(TorchCallback.of("lazy", LossReader.class, () -> lazy)).train(task);
    // The epoch's loss is the mean of the batches' losses as read one by one, to the last bit.
    assertEquals(eager.sums, eager.trainLosses);
    assertEquals(eager.trainLosses, lazy.trainLosses);
    // The last batch's loss, read only at the epoch's end, after its group was read together.
    assertEquals(eager.lastAtEnd, lazy.lastAtEnd);
  }

  @Test
  void onlyNetworksWithRandomLayersAreSeededPerBatch() {
    ai.djl.nn.SequentialBlock plain = new ai.djl.nn.SequentialBlock()
        .add(ai.djl.nn.core.Linear.builder().setUnits(4).build()).add(ai.djl.nn.Activation.reluBlock())
        .add(ai.djl.nn.core.Linear.builder().setUnits(3).build());
    assertFalse(org.torchwork.runtime.loop.Randomness.drawsRandomNumbers(plain));
    ai.djl.nn.SequentialBlock dropout = new ai.djl.nn.SequentialBlock()
        .add(ai.djl.nn.core.Linear.builder().setUnits(4).build()).add(ai.djl.nn.norm.Dropout.builder().optRate(0.5f).build());
    assertTrue(org.torchwork.runtime.loop.Randomness.drawsRandomNumbers(dropout));
    // A block the loop does not know may draw random numbers, and so may a lambda of one's own.
    assertTrue(org.torchwork.runtime.loop.Randomness.drawsRandomNumbers(new ai.djl.nn.SequentialBlock().add(new ai.djl.nn.core.Prelu())));
    assertTrue(org.torchwork.runtime.loop.Randomness.drawsRandomNumbers(new ai.djl.nn.SequentialBlock().add(x -> x)));
    assertFalse(org.torchwork.runtime.loop.Randomness.drawsRandomNumbers(new ai.djl.nn.SequentialBlock().add(ai.djl.nn.Activation.mishBlock())
        .add(ai.djl.nn.Activation.geluBlock()).add(ai.djl.nn.Activation.tanhBlock())));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "pytorch, adam", "pytorch, adamw", "pytorch, sgd", "mxnet, adam", "mxnet, adamw", "mxnet, sgd"
  })
  void everyOptimizerLearnsIrisOnEveryEngine(String engine, String optimizer) {
    TorchLearner l = learner("epochs", 30, "neurons", 16, "dropout", 0.0, "opt.lr", 0.01, "opt.momentum", 0.9,
        "optimizer", optimizer, "engine", engine).train(IRIS);
    double acc = l.predict(IRIS).score(PLATFORM.measure("classif.acc"));
    assertTrue(acc > 0.9, "an MLP learns iris; accuracy " + acc);
  }

  @Test
  void regressionTrainsOnARegressionTask() {
    Task cars = TestTasks.regressionTask();
    TorchLearner l = PLATFORM.learner("regr.mlp").set("epochs", 2).set("batch_size", 8).set("seed", 1).set("measures_train", "regr.mse");
    learners.add(l);
    Recorder r = new Recorder("r", log);
    l.callbacks(descriptor("r", r)).train(cars);
    double rmse = l.predict(cars).score(PLATFORM.measure("regr.rmse"));
    assertTrue(Double.isFinite(rmse));
  }

  /** Returns a state that cannot be saved as plain data. */
  static final class FileState extends CallbackSet {
    @Override
    public Object stateDict() {
      return Map.of("file", new java.io.File("x"));
    }
  }

  /** Runs an action in one stage. */
  static class Probe extends CallbackSet {
    private final Stage stage;
    private final Consumer<Context> action;

    Probe(Stage stage, Consumer<Context> action) {
      this.stage = stage;
      this.action = action;
    }

    @Override
    public void onEpochBegin(Context ctx) {
      run(ctx);
    }

    @Override
    public void onAfterBackward(Context ctx) {
      run(ctx);
    }

    @Override
    public void onEpochEnd(Context ctx) {
      run(ctx);
    }

    @Override
    public void onEnd(Context ctx) {
      run(ctx);
    }

    private void run(Context ctx) {
      if (ctx.stage() == stage) {
        action.accept(ctx);
      }
    }
  }
}
