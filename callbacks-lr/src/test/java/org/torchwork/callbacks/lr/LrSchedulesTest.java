package org.torchwork.callbacks.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.testkit.TestKit;

class LrSchedulesTest {
  /** The learning rate in force at the start of every epoch and batch. */
  static final class Rates extends CallbackSet {
    static final List<Double> EPOCHS = new ArrayList<>();
    static final List<Double> BATCHES = new ArrayList<>();
    static final List<Double> MOMENTUM = new ArrayList<>();

    @Override
    public void onEpochBegin(Context ctx) {
      EPOCHS.add(ctx.learningRate());
    }

    @Override
    public void onBatchBegin(Context ctx) {
      BATCHES.add(ctx.learningRate());
      MOMENTUM.add(ctx.momentum());
    }
  }

  /** A factor function found by class name. */
  public static final class Halving implements IntToDoubleFunction {
    @Override
    public double applyAsDouble(int epoch) {
      return Math.pow(0.5, epoch);
    }
  }

  private static final TorchCallback RATES = TorchCallback.builder("rates", Rates.class).weight(10).build(p -> new Rates());

  private static List<Double> epochRates(TestKit kit, int epochs) {
    Rates.EPOCHS.clear();
    Rates.BATCHES.clear();
    Rates.MOMENTUM.clear();
    try (TestKit.Result r = kit.param("epochs", epochs).param("opt.lr", 0.01).with(RATES).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      return Rates.EPOCHS.stream().map(x -> Math.round(x * 1e9) / 1e9).toList();
    }
  }

  @Test
  void stepExponentialAndCosineFollowTorchsFormulas() {
    assertEquals(List.of(0.01, 0.01, 0.005, 0.005, 0.0025),
        epochRates(TestKit.callback(LrProvider.LR_STEP).set("step_size", 2).set("gamma", 0.5), 5));
    assertEquals(List.of(0.01, 0.005, 0.0025),
        epochRates(TestKit.callback(LrProvider.LR_EXPONENTIAL).set("gamma", 0.5), 3));
    List<Double> cosine = epochRates(TestKit.callback(LrProvider.LR_COSINE).set("T_max", 4), 4);
    assertEquals(List.of(0.01, Math.round(0.01 * (1 + Math.cos(Math.PI / 4)) / 2 * 1e9) / 1e9, 0.005,
        Math.round(0.01 * (1 + Math.cos(3 * Math.PI / 4)) / 2 * 1e9) / 1e9), cosine);
  }

  @Test
  void lambdaFromJavaAndByClassName() {
    assertEquals(List.of(0.01, 0.005, Math.round(0.01 / 3 * 1e9) / 1e9),
        epochRates(TestKit.callback(LrLambda.of(epoch -> 1.0 / (epoch + 1))), 3));
    assertEquals(List.of(0.01, 0.005, 0.0025),
        epochRates(TestKit.callback(LrProvider.LR_LAMBDA).set("function", Halving.class.getName()), 3));
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_LAMBDA).set("function", "no.such.Function").run()) {
      assertEquals("Parameter 'cb.lr_lambda.function': class no.such.Function is in no plugin and not in Torchwork"
          + " (java.lang.ClassNotFoundException: no.such.Function). Put its jar in the plugins directory (a modular jar must"
          + " export its package), check the spelling, or from Java use LrLambda.of(epoch -> ...).",
          r.failure().orElseThrow().getMessage());
    }
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_LAMBDA).set("function", NotAFunction.class.getName()).run()) {
      assertEquals("Parameter 'cb.lr_lambda.function': " + NotAFunction.class.getName() + " does not implement"
          + " java.util.function.IntToDoubleFunction, so no instance of it is made. Give a class that does.",
          r.failure().orElseThrow().getMessage());
    }
    assertEquals(0, TOUCHED.get(), "the class was neither initialized nor instantiated");
  }

  static final java.util.concurrent.atomic.AtomicInteger TOUCHED = new java.util.concurrent.atomic.AtomicInteger();

  /** Not a learning-rate function; its initializer and constructor would leave a trace. */
  public static final class NotAFunction {
    static {
      TOUCHED.incrementAndGet();
    }

    public NotAFunction() {
      TOUCHED.incrementAndGet();
    }
  }

  @Test
  void oneCycleRisesThenFallsEveryBatch() {
    Rates.BATCHES.clear();
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_ONE_CYCLE).set("max_lr", 0.1).param("epochs", 4).with(RATES).run()) {
      List<Double> b = Rates.BATCHES;
      assertEquals(12, b.size(), "4 epochs of 3 batches");
      assertEquals(0.1 / 25, b.get(0), 1e-12);
      int peak = b.indexOf(b.stream().max(Double::compare).orElseThrow());
      assertTrue(b.get(peak) > 0.099 && b.get(peak) <= 0.1, "near max_lr at the peak (torch too steps past it): " + b.get(peak));
      assertTrue(peak >= 2 && peak <= 3, "peaks at 30% of 12 steps: " + peak);
      assertEquals(0.1 / 25 / 1e4, b.get(11), 1e-12);
      for (int i = peak; i < 11; i++) {
        assertTrue(b.get(i + 1) < b.get(i), "falls after the peak");
      }
    }
  }

  @Test
  void reduceOnPlateauMonitorsTheTrainingLossWithAMinDelta() {
    Rates.EPOCHS.clear();
    // No epoch improves the training loss by 100: every epoch after the first counts against it.
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_PLATEAU).set("monitor", "train.loss").set("min_delta", 100.0)
        .set("patience", 0).set("factor", 0.5).param("epochs", 4).param("opt.lr", 0.01).with(RATES).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      assertEquals(List.of(0.01, 0.01, 0.005, 0.0025), Rates.EPOCHS);
    }
  }

  @Test
  void reduceOnPlateauHalvesWhenTheScoreStopsImprovingAndKeepsItsState() {
    Rates.EPOCHS.clear();
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_PLATEAU).set("factor", 0.5).set("patience", 0).set("mode", "max")
        .param("epochs", 6).param("opt.lr", 0.01).param("validate", 0.3).param("measures_valid", "classif.ce")
        .with(RATES).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      List<Double> rates = Rates.EPOCHS;
      assertTrue(rates.get(rates.size() - 1) < 0.01, "mode=max on a falling error reduces the rate: " + rates);
      for (double rate : rates) {
        double halvings = Math.log(0.01 / rate) / Math.log(2);
        assertEquals(Math.round(halvings), halvings, 1e-6, "only ever halved: " + rates);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) r.state();
      assertEquals(0.01, (Double) state.get("base_lr"), 1e-12);
      assertTrue(state.containsKey("best") && state.containsKey("num_bad") && state.containsKey("cooldown_left"), state.toString());
    }
  }

  /** The rates at the start of each batch of a run of 3 epochs of 3 batches (iris, batch size 64). */
  private static List<Double> batchRates(TestKit kit, int epochs) {
    epochRates(kit, epochs);
    return List.copyOf(Rates.BATCHES);
  }

  private static void assertClose(List<Double> expected, List<Double> actual) {
    assertEquals(expected.size(), actual.size(), actual.toString());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), 1e-9 * Math.max(1, Math.abs(expected.get(i))), "step " + i + ": " + actual);
    }
  }

  @Test
  void aLinearWarmUpThenCosineStepsPerBatchAsTorchsSequentialLr() {
    // SequentialLR([LinearLR(start_factor=0.25, total_iters=3), CosineAnnealingLR(T_max=6, eta_min=0.001)], milestones=[3]).
    List<Double> actual = batchRates(TestKit.callback(LrProvider.LR_COSINE).set("step_per", "batch").set("T_max", 6)
        .set("eta_min", 0.001).set("warmup_steps", 3).set("warmup_factor", 0.25), 3);
    List<Double> expected = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      expected.add(t < 3 ? 0.01 * (0.25 + 0.75 * t / 3) : 0.001 + (0.01 - 0.001) * (1 + Math.cos(Math.PI * (t - 3) / 6)) / 2);
    }
    assertClose(expected, actual);
  }

  @Test
  void aConstantWarmUpThenSteps() {
    List<Double> actual = batchRates(TestKit.callback(LrProvider.LR_STEP).set("step_per", "batch").set("step_size", 2)
        .set("gamma", 0.5).set("warmup_steps", 2).set("warmup_method", "constant").set("warmup_factor", 0.1), 2);
    assertClose(List.of(0.001, 0.001, 0.01, 0.01, 0.005, 0.005), actual);
    assertClose(List.of(0.001, 0.001, 0.01, 0.01, 0.01), batchRates(TestKit.callback(LrProvider.LR_WARMUP)
        .set("step_per", "batch").set("warmup_steps", 2).set("warmup_method", "constant").set("warmup_factor", 0.1), 2)
        .subList(0, 5));
  }

  @Test
  void cosineAnnealingReachesZero() {
    assertEquals(List.of(0.01, 0.005, 0.0), epochRates(TestKit.callback(LrProvider.LR_COSINE).set("T_max", 2), 3));
  }

  @Test
  void warmRestartsLengthenTheirPeriods() {
    List<Double> actual = epochRates(TestKit.callback(LrProvider.LR_COSINE_RESTARTS).set("T_0", 2).set("T_mult", 2), 7);
    // (T_cur, T_i) after 0..6 epochs: (0,2) (1,2) (0,4) (1,4) (2,4) (3,4) (0,8).
    int[][] at = {{0, 2}, {1, 2}, {0, 4}, {1, 4}, {2, 4}, {3, 4}, {0, 8}};
    List<Double> expected = new ArrayList<>();
    for (int[] a : at) {
      expected.add(Math.round(0.01 * (1 + Math.cos(Math.PI * a[0] / a[1])) / 2 * 1e9) / 1e9);
    }
    assertEquals(expected, actual);
  }

  @Test
  void cyclicRatesAndMomentumFollowTorchsCyclicLr() {
    List<Double> actual = batchRates(TestKit.callback(LrProvider.LR_CYCLIC).set("base_lr", 0.001).set("max_lr", 0.01)
        .set("step_size_up", 2).set("mode", "triangular2"), 3);
    List<Double> expected = new ArrayList<>();
    List<Double> momentum = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      double cycle = Math.floor(1 + t / 4.0);
      double x = 1 + t / 4.0 - cycle;
      double factor = x <= 0.5 ? x / 0.5 : (x - 1) / (0.5 - 1);
      double scale = 1 / Math.pow(2.0, cycle - 1);
      expected.add(0.001 + (0.01 - 0.001) * factor * scale);
      momentum.add(0.9 - (0.9 - 0.8) * factor * scale);
    }
    assertClose(expected, actual);
    // Adam's first beta, which the optimizer holds as a float.
    for (int t = 0; t < 9; t++) {
      assertEquals((float) (double) momentum.get(t), Rates.MOMENTUM.get(t), 1e-7, "beta1 at step " + t);
    }
  }

  @Test
  void polynomialAndMultiplicative() {
    assertEquals(List.of(0.01, 0.005625, 0.0025, 0.000625, 0.0), epochRates(TestKit.callback(LrProvider.LR_POLYNOMIAL)
        .set("total_iters", 4).set("power", 2), 5));
    assertEquals(List.of(0.01, 0.005, 0.0025), epochRates(TestKit.callback(LrProvider.LR_MULTIPLICATIVE)
        .set("function", HalfEach.class.getName()), 3));
  }

  /** A factor of 1/2 after every step. */
  public static final class HalfEach implements IntToDoubleFunction {
    @Override
    public double applyAsDouble(int step) {
      return 0.5;
    }
  }

  @Test
  void oneCycleCyclesTheMomentumInversely() {
    epochRates(TestKit.callback(LrProvider.LR_ONE_CYCLE).set("max_lr", 0.1), 4);
    List<Double> m = Rates.MOMENTUM;
    int peak = Rates.BATCHES.indexOf(Rates.BATCHES.stream().max(Double::compare).orElseThrow());
    assertEquals(0.95, m.get(0), 1e-7);
    assertEquals(m.stream().min(Double::compare).orElseThrow(), m.get(peak), "lowest momentum at the peak rate");
    assertTrue(m.get(11) > 0.94, m.toString());
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_ONE_CYCLE).set("max_lr", 0.1).param("optimizer", "sgd").run()) {
      String messages = messages(r.failure().orElseThrow());
      assertTrue(messages.contains("lr_one_cycle cycles the momentum (cb.lr_one_cycle.cycle_momentum=true), but SGD trains"
          + " without momentum here (opt.momentum=0), so it keeps no momentum buffer to change. Set opt.momentum to a value"
          + " above 0 (e.g. 0.9) to let a schedule change it. Or set cb.lr_one_cycle.cycle_momentum=false."), messages);
    }
  }

  private static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      sb.append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }

  /** The network's weights when the run starts. */
  static final class Initial extends CallbackSet {
    static final List<float[]> WEIGHTS = new ArrayList<>();

    @Override
    public void onBegin(Context ctx) {
      WEIGHTS.clear();
      ctx.network().getParameters().forEach(p -> WEIGHTS.add(p.getValue().getArray().toFloatArray()));
    }
  }

  @Test
  void theRangeTestSuggestsARatePlotsItAndLeavesTheWeightsAsTheyWere(@TempDir Path tmp) throws IOException {
    Path plot = tmp.resolve("lr.png");
    TorchCallback initial = TorchCallback.builder("initial", Initial.class).weight(-10).build(p -> new Initial());
    try (TestKit.Result r = TestKit.callback(LrProvider.LR_FINDER).set("num_steps", 30).set("start_lr", 1e-5).set("end_lr", 1.0)
        .set("plot", plot.toString()).param("epochs", 12).param("batch_size", 16).param("seed", 5).with(initial).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) r.state();
      List<?> lrs = (List<?>) state.get("lrs");
      assertTrue(lrs.size() >= 3 && lrs.size() <= 30, state.toString());
      assertEquals(1e-5, (Double) lrs.get(0), 1e-15);
      double suggestion = (Double) state.get("suggestion");
      assertTrue(suggestion > 1e-5 && suggestion < 1.0, state.toString());
      assertTrue(r.output().contains("lr_finder: suggested learning rate "), r.output());
      byte[] png = Files.readAllBytes(plot);
      assertEquals((byte) 0x89, png[0]);
      assertEquals('P', png[1]);
      // The run stopped at the end of the test's epoch, and the network has its starting weights.
      assertTrue(r.model().epochs() < 12, "terminated early: " + r.model().epochs());
      List<float[]> end = new ArrayList<>();
      r.model().network().getBlock().getParameters().forEach(p -> end.add(p.getValue().getArray().toFloatArray()));
      assertEquals(Initial.WEIGHTS.size(), end.size());
      for (int i = 0; i < end.size(); i++) {
        assertArrayEquals(Initial.WEIGHTS.get(i), end.get(i));
      }
    }
  }
}
