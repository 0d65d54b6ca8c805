package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.NetworkShape;

/** Rows of images through the loop: a convolutional network learns, resumes exactly mid-epoch, saves and predicts. */
class CnnTest {
  private static final Platform PLATFORM = Platform.builder().build();

  @TempDir Path tmp;

  /** Gray images of a bright square in one of two corners, with noise: class a top left, b bottom right. */
  static Task corners(int n, int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * size * size];
    int[] y = new int[n];
    List<String> features = new ArrayList<>();
    for (int j = 1; j <= size * size; j++) {
      features.add("pixel" + j);
    }
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(2);
      for (int row = 0; row < size; row++) {
        for (int col = 0; col < size; col++) {
          boolean lit = y[i] == 0 ? row < size / 2 && col < size / 2 : row >= size / 2 && col >= size / 2;
          x[i * size * size + row * size + col] = (lit ? 0.7f : 0.1f) + r.nextFloat() * 0.2f;
        }
      }
    }
    return Task.classif("corners", "label", features, List.of("a", "b"), x, y).withRowShape(1, size, size);
  }

  private static TorchLearner cnn(String engine) {
    return PLATFORM.learner("classif.cnn").set("epochs", 4).set("batch_size", 16).set("seed", 3).set("engine", engine)
        .set("channels", List.of(4, 8)).set("dense", List.of(16)).set("opt.lr", 0.01);
  }

  private static List<float[]> weights(TrainedModel m) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : m.network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /** Saves a checkpoint after batch 3 of epoch 2. */
  static final class SaveMidEpoch extends CallbackSet {
    private final Path dir;

    SaveMidEpoch(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      if (ctx.epoch() == 2 && ctx.step() == 3) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aConvolutionalNetworkLearnsImagesAndAResumeInTheMiddleOfAnEpochEndsBitForBitAlike(String engine) {
    Task train = corners(160, 8, 1);
    Path ckpt = tmp.resolve("ckpt-" + engine);
    TorchCallback saver = TorchCallback.builder("saver", SaveMidEpoch.class).build(p -> new SaveMidEpoch(ckpt));
    List<float[]> straight;
    try (TorchLearner l = cnn(engine).callbacks(saver).train(train)) {
      straight = weights(l.model());
      double acc = l.model().predict(corners(100, 8, 2)).score(PLATFORM.measure("classif.acc"));
      assertTrue(acc > 0.9, engine + ": accuracy on new images " + acc);
      assertEquals(List.of(1, 8, 8), l.model().preprocessing().shape());
    }
    try (TorchLearner resumed = cnn(engine).callbacks(saver).set("resume", ckpt.toString()).train(train)) {
      List<float[]> after = weights(resumed.model());
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), after.get(i), engine + ": parameter " + i);
      }
    }
  }

  @Test
  void aSavedNetworkOfImagesPredictsAsTheTrainedOneAndCountsItsParameters() {
    Task train = corners(64, 8, 5);
    try (TorchLearner l = cnn("pytorch").set("batch_norm", true).set("epochs", 2).train(train)) {
      Path saved = tmp.resolve("cnn");
      l.model().save(saved);
      Prediction before = l.model().predict(train);
      try (TrainedModel loaded = TrainedModel.load(saved)) {
        Prediction after = loaded.predict(train);
        for (int i = 0; i < train.nrow(); i++) {
          assertEquals(before.prob(i, 0), after.prob(i, 0), 1e-6);
        }
      }
      long real = 0;
      for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
        real += p.getValue().getArray().size();
      }
      NetworkShape shape = new NetworkShape(64, 2, List.of(), List.of(1, 8, 8));
      assertEquals(real, PLATFORM.learners().get("classif.cnn").network().parameterCount(shape, l.params()));
    }
  }

  @Test
  void anMlpFlattensImagesAndTableLearnersAndTheCnnSayWhatTheyTake() {
    try (TorchLearner mlp = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 16).set("seed", 1)
        .set("neurons", List.of(16)).set("opt.lr", 0.01).train(corners(96, 8, 7))) {
      assertTrue(mlp.model().predict(corners(50, 8, 8)).score(PLATFORM.measure("classif.acc")) > 0.8);
    }
    TorchworkException e = assertThrows(TorchworkException.class, () -> PLATFORM.learner("classif.tab_resnet").set("epochs", 1)
        .set("batch_size", 8).train(corners(16, 8, 9)));
    assertTrue(e.getMessage().startsWith("Learner 'classif.tab_resnet' takes the columns of a table, but the task's rows are tensors"
        + " of shape [1, 8, 8] (images)."), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> PLATFORM.learner("classif.cnn").set("epochs", 1).set("batch_size", 8)
        .train(PLATFORM.task("iris")));
    assertTrue(e.getMessage().startsWith("Learner 'classif.cnn' takes images (rows of shape C x H x W), but the task's rows are flat"
        + " (4 features)."), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> PLATFORM.learner("classif.cnn").set("epochs", 1).set("batch_size", 8)
        .set("channels", List.of(4, 4, 4, 4)).set("pooling", "each").train(corners(16, 8, 9)));
    assertTrue(e.getMessage().startsWith("Learner 'classif.cnn': images of 8 x 8 shrink to nothing after convolution 2 of 4"),
        e.getMessage());
  }

  @Test
  void aNetworkOfYourOwnTrainsOnImagesThroughTheJavaApi() {
    TorchLearner mine = Torchwork.module("classif.tiny_cnn", shape -> new ai.djl.nn.SequentialBlock()
        .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new ai.djl.ndarray.types.Shape(3, 3)).setFilters(4).build())
        .add(ai.djl.nn.Activation::relu)
        .add(ai.djl.nn.Blocks.batchFlattenBlock())
        .add(ai.djl.nn.core.Linear.builder().setUnits(shape.outputs()).build()),
        "epochs", 4, "batch_size", 16, "seed", 2, "opt.lr", 0.01);
    try (mine) {
      mine.train(corners(160, 8, 11));
      assertTrue(mine.predict(corners(80, 8, 12)).score(PLATFORM.measure("classif.acc")) > 0.9);
    }
    TorchworkException e = assertThrows(TorchworkException.class, () -> Torchwork.module("tiny", shape -> null));
    assertTrue(e.getMessage().startsWith("Learner id 'tiny' does not start with its task type."), e.getMessage());
  }
}
