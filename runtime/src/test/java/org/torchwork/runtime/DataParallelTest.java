package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;

/**
 * Data-parallel training ({@code devices} above 1) on the CPU: the parts' copies of the network,
 * the split of each batch, the sum of the parts' gradients and the copies' refresh after every
 * step all run here as they would across GPUs.
 */
class DataParallelTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");
  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  /** Keeps every step's gradients, the loss and the predictions' row count. */
  public static final class Probe extends CallbackSet {
    final List<List<float[]>> gradients = new ArrayList<>();
    final List<Double> losses = new ArrayList<>();
    final List<Long> rows = new ArrayList<>();

    @Override
    public void onAfterBackward(Context ctx) {
      List<float[]> step = new ArrayList<>();
      ctx.gradients().values().forEach(g -> step.add(g.toFloatArray()));
      gradients.add(step);
      losses.add(ctx.lastLoss());
      rows.add(ctx.yHat().head().getShape().get(0));
    }
  }

  private TorchLearner train(String engine, int devices, Probe probe, Object... more) {
    return train(IRIS, engine, devices, probe, more);
  }

  private TorchLearner train(Task task, String engine, int devices, Probe probe, Object... more) {
    // 150 rows in batches of 32: four full batches and one of 22, split 11 + 11 (or 8 + 7 + 7 ...).
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 32).set("neurons", 8)
        .set("seed", 3).set("dropout", 0.0).set("engine", engine).set("devices", devices).set("opt.lr", 0.01);
    for (int i = 0; i < more.length; i += 2) {
      l.set((String) more[i], more[i + 1]);
    }
    learners.add(l);
    l.callbacks(TorchCallback.of("probe", Probe.class, () -> probe)).train(task);
    return l;
  }

  private static List<float[]> weights(TorchLearner l) {
    List<float[]> w = new ArrayList<>();
    l.model().network().getBlock().getParameters().forEach(p -> w.add(p.getValue().getArray().toFloatArray()));
    return w;
  }

  private static void assertClose(List<float[]> expected, List<float[]> actual, double tolerance, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      float[] e = expected.get(i);
      float[] a = actual.get(i);
      assertEquals(e.length, a.length, what);
      for (int j = 0; j < e.length; j++) {
        assertEquals(e[j], a[j], tolerance * (1 + Math.abs(e[j])), what + ", array " + i + ", element " + j);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void splittingEveryBatchOverCopiesTrainsAsOneDeviceDoes(String engine) {
    Probe one = new Probe();
    List<float[]> single = weights(train(engine, 1, one));
    for (int devices : new int[] {2, 3}) {
      Probe parts = new Probe();
      List<float[]> split = weights(train(engine, devices, parts));
      assertEquals(one.gradients.size(), parts.gradients.size());
      // Every step: the parts' gradients add up to the whole batch's, and the copies had the
      // weights of the step before (stale copies would give other gradients from step 2 on).
      for (int step = 0; step < one.gradients.size(); step++) {
        assertClose(one.gradients.get(step), parts.gradients.get(step), 1e-4, devices + " devices, step " + (step + 1));
        assertEquals(one.losses.get(step), parts.losses.get(step), 1e-5, "the batch's loss, step " + (step + 1));
      }
      assertEquals(one.rows, parts.rows, "predictions for every row of each batch");
      assertClose(single, split, 1e-3, devices + " devices, final weights");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void weightedRowsSplitOverCopiesTrainAsOneDeviceDoes(String engine) {
    // Weights 0 to 3 in turn, times balanced class weights: each part's loss is its sum(w_i l_i)
    // over the whole batch's sum(w_i), not its own weighted mean times its share of the rows.
    float[] w = new float[IRIS.nrow()];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 4;
    }
    Task weighted = IRIS.withWeights(w);
    Object[] settings = {"loss", "focal", "class_weight", "balanced"};
    Probe one = new Probe();
    List<float[]> single = weights(train(weighted, engine, 1, one, settings));
    for (int devices : new int[] {2, 3}) {
      Probe parts = new Probe();
      List<float[]> split = weights(train(weighted, engine, devices, parts, settings));
      for (int step = 0; step < one.gradients.size(); step++) {
        assertClose(one.gradients.get(step), parts.gradients.get(step), 1e-4, devices + " devices, step " + (step + 1));
        assertEquals(one.losses.get(step), parts.losses.get(step), 1e-5, "the batch's loss, step " + (step + 1));
      }
      assertClose(single, split, 1e-3, devices + " devices, final weights");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aDataParallelRunIsRepeatableAndHoldsNoMoreArraysAsItGoes(String engine) {
    List<float[]> first = weights(train(engine, 2, new Probe()));
    List<float[]> second = weights(train(engine, 2, new Probe()));
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(first.get(i), second.get(i), "the same bits, run twice");
    }
    TorchLearner shortRun = train(engine, 2, new Probe(), "epochs", 1);
    TorchLearner longRun = train(engine, 2, new Probe(), "epochs", 4);
    assertEquals(shortRun.model().network().getNDManager().getManagedArrays().size(),
        longRun.model().network().getNDManager().getManagedArrays().size(), "no copies or gradients left behind");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch"})
  void moreDevicesThanRowsUseOnePartARow(String engine) {
    Probe one = new Probe();
    train(engine, 1, one, "batch_size", 2, "epochs", 1);
    Probe parts = new Probe();
    train(engine, 4, parts, "batch_size", 2, "epochs", 1);
    for (int step = 0; step < one.gradients.size(); step++) {
      assertClose(one.gradients.get(step), parts.gradients.get(step), 1e-4, "step " + (step + 1));
    }
    assertTrue(parts.rows.stream().allMatch(r -> r == 2), parts.rows.toString());
  }
}
