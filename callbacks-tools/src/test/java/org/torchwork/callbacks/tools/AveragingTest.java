package org.torchwork.callbacks.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.TrainedModel;

/** ema and swa: what they average, what the model ends with, and a resume that continues them bit for bit. */
class AveragingTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;

  /** Saves a checkpoint at the end of epoch 2. */
  public static final class SaveAtTwo extends CallbackSet {
    private final Path dir;

    SaveAtTwo(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onBegin(Context ctx) {
      ctx.claimCheckpoints(dir, "the test's folder", false);
    }

    @Override
    public void onEpochEnd(Context ctx) {
      if (ctx.epoch() == 2) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  /** The weights at the end of every epoch. */
  public static final class Weights extends CallbackSet {
    final List<Map<String, float[]>> epochs = new ArrayList<>();

    @Override
    public void onEpochEnd(Context ctx) {
      epochs.add(weights(ctx.network().getParameters()));
    }
  }

  private static Map<String, float[]> weights(Iterable<Pair<String, Parameter>> params) {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach(p -> out.put(p.getKey(), p.getValue().getArray().toFloatArray()));
    return out;
  }

  private static Map<String, float[]> floats(Map<String, NDArray> tensors) {
    Map<String, float[]> out = new LinkedHashMap<>();
    tensors.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
  }

  private TorchLearner learner(int epochs, TorchCallback average, Path dir, String resume) {
    TorchCallback saver = TorchCallback.builder("saver", SaveAtTwo.class).weight(Double.POSITIVE_INFINITY).savesCheckpoints()
        .build(p -> new SaveAtTwo(dir));
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", epochs).set("batch_size", 32).set("neurons", 8).set("seed", 11)
        .set("opt.lr", 0.01).set("validate", 0.2).set("measures_valid", "classif.acc").callbacks(average, saver);
    return resume == null ? l : l.set("resume", resume);
  }

  private void resumesBitForBit(TorchCallback average) {
    try (TorchLearner straight = learner(4, average, tmp.resolve("a"), null).train(IRIS)) {
      learner(2, average, tmp.resolve("b"), null).train(IRIS).close();
      try (TorchLearner resumed = learner(4, average, tmp.resolve("b"), tmp.resolve("b").toString()).train(IRIS)) {
        TrainedModel a = straight.model();
        TrainedModel b = resumed.model();
        assertFalse(a.tensors(average.id()).isEmpty());
        assertSame(floats(a.tensors(average.id())), floats(b.tensors(average.id())));
        assertSame(weights(a.network().getBlock().getParameters()), weights(b.network().getBlock().getParameters()));
        assertEquals(a.callbacks().get(average.id()), b.callbacks().get(average.id()));
      }
    }
  }

  @Test
  void emaResumesBitForBit() {
    resumesBitForBit(ToolsProvider.EMA.with("decay", 0.9));
  }

  @Test
  void swaResumesBitForBit() {
    resumesBitForBit(ToolsProvider.SWA.with("swa_start", 2).with("swa_lr", 0.005));
  }

  @Test
  void emaEndsWithTheAverageWhichTheSavedModelKeeps() {
    try (TorchLearner l = learner(2, ToolsProvider.EMA.with("decay", 0.9), tmp.resolve("c"), null).train(IRIS)) {
      Map<String, float[]> average = floats(l.model().tensors("ema"));
      assertSame(average, weights(l.model().network().getBlock().getParameters()));
      assertEquals(8L, ((Map<?, ?>) l.model().callbacks().get("ema")).get("updates"), "2 epochs of 4 batches");
      l.model().save(tmp.resolve("model"));
      try (TrainedModel loaded = TrainedModel.load(tmp.resolve("model"))) {
        assertSame(average, floats(loaded.tensors("ema")));
      }
    }
  }

  @Test
  void swaIsTheMeanOfTheWeightsOfItsEpochs() {
    Weights seen = new Weights();
    TorchCallback record = TorchCallback.builder("weights", Weights.class).weight(-1).build(p -> seen);
    try (TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 4).set("batch_size", 32).set("neurons", 8).set("seed", 11)
        .callbacks(record, ToolsProvider.SWA.with("swa_start", 2)).train(IRIS)) {
      Map<String, float[]> end = weights(l.model().network().getBlock().getParameters());
      for (String name : end.keySet()) {
        float[] mean = new float[end.get(name).length];
        for (int e = 1; e < 4; e++) {
          float[] w = seen.epochs.get(e).get(name);
          for (int i = 0; i < mean.length; i++) {
            mean[i] += w[i] / 3;
          }
        }
        assertArrayEquals(mean, end.get(name), 1e-6f, name);
      }
      assertEquals(3, ((Map<?, ?>) l.model().callbacks().get("swa")).get("averaged"));
    }
  }
}
