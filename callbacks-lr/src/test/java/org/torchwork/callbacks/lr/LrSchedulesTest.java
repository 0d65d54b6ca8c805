package org.torchwork.callbacks.lr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.testkit.TestKit;

class LrSchedulesTest {
  /** The learning rate in force at the start of every epoch and batch. */
  static final class Rates extends CallbackSet {
    static final List<Double> EPOCHS = new ArrayList<>();
    static final List<Double> BATCHES = new ArrayList<>();

    @Override
    public void onEpochBegin(Context ctx) {
      EPOCHS.add(ctx.learningRate());
    }

    @Override
    public void onBatchBegin(Context ctx) {
      BATCHES.add(ctx.learningRate());
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
}
