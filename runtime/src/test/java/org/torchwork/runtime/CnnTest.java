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
  void aConvolutionalNetworkLearnsAugmentedImagesAndAResumeInTheMiddleOfAnEpochEndsBitForBitAlike(String engine) {
    Task train = corners(160, 8, 1);
    Path ckpt = tmp.resolve("ckpt-" + engine);
    TorchCallback saver = TorchCallback.builder("saver", SaveMidEpoch.class).build(p -> new SaveMidEpoch(ckpt));
    List<float[]> straight;
    // Shuffled (the default) and augmented: every batch's flips and crops come from the seed and the batch's number.
    try (TorchLearner l = cnn(engine).set("augment_flip", true).set("augment_crop", 1).callbacks(saver).train(train)) {
      straight = weights(l.model());
      double acc = l.model().predict(corners(100, 8, 2)).score(PLATFORM.measure("classif.acc"));
      assertTrue(acc > 0.9, engine + ": accuracy on new images " + acc);
      assertEquals(List.of(1, 8, 8), l.model().preprocessing().shape());
    }
    try (TorchLearner resumed = cnn(engine).set("augment_flip", true).set("augment_crop", 1).callbacks(saver)
        .set("resume", ckpt.toString()).train(train)) {
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

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aResidualNetworkFromDjlsBuilderLearnsImagesAndRefusesADepthItsBuilderLacks(String engine) {
    try (TorchLearner l = PLATFORM.learner("classif.resnet").set("depth", 8).set("epochs", 3).set("batch_size", 16)
        .set("seed", 4).set("engine", engine).set("opt.lr", 0.01).train(corners(160, 8, 21))) {
      double acc = l.model().predict(corners(80, 8, 22)).score(PLATFORM.measure("classif.acc"));
      assertTrue(acc > 0.9, engine + ": accuracy " + acc);
    }
    TorchworkException e = assertThrows(TorchworkException.class, () -> PLATFORM.learner("classif.resnet").set("depth", 18)
        .set("epochs", 1).set("batch_size", 8).set("engine", engine).train(corners(16, 8, 9)));
    assertTrue(e.getMessage().startsWith("Learner 'classif.resnet': depth 18 does not exist for images 8 pixels high. Images up to 28"
        + " pixels high take the CIFAR form: depth 6n + 2 (20, 32, 44, 56, 110)"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aConvolutionalNetworkExportsToTorchScriptThatPredictsAsItDoesAndAResidualOneSaysWhyNot(String engine) {
    try (TorchLearner l = cnn(engine).set("batch_norm", true).set("pooling", "each").set("padding", 1).set("epochs", 2)
        .train(corners(64, 8, 31))) {
      TrainedModel.Export export = l.model().export(tmp.resolve("cnn-" + engine + ".pt"), "torchscript");
      assertTrue(export.verified(), export.toString());
      assertTrue(export.maxDifference() < 1e-5, export.toString());
    }
    try (TorchLearner l = PLATFORM.learner("classif.resnet").set("depth", 8).set("epochs", 1).set("batch_size", 16)
        .set("engine", engine).train(corners(32, 8, 32))) {
      TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().export(tmp.resolve("r.pt"), "torchscript"));
      assertTrue(e.getMessage().startsWith("The network of learner 'classif.resnet' has a block TorchScript export cannot translate:"
          + " ai.djl.nn.ParallelBlock."), e.getMessage());
      assertTrue(!java.nio.file.Files.exists(tmp.resolve("r.pt")));
    }
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

  /** Records the first batch's images in training and in validation. */
  static final class FirstBatches extends CallbackSet {
    static float[] train;
    static float[] valid;

    @Override
    public void onBatchBegin(Context ctx) {
      if (ctx.epoch() == 1 && ctx.step() == 1) {
        train = ctx.batch().getData().head().toFloatArray();
      }
    }

    @Override
    public void onBatchValidBegin(Context ctx) {
      if (ctx.epoch() == 1 && valid == null) {
        valid = ctx.batch().getData().head().toFloatArray();
      }
    }
  }

  @Test
  void augmentationFlipsAndShiftsTrainingImagesOnlyAndOnlyImages() {
    Task images = corners(32, 4, 21);
    TorchCallback record = TorchCallback.builder("record", FirstBatches.class).build(p -> new FirstBatches());
    float[][] seen = new float[3][];
    float[][] valid = new float[3][];
    for (int run = 0; run < 3; run++) {
      FirstBatches.train = null;
      FirstBatches.valid = null;
      TorchLearner l = PLATFORM.learner("classif.cnn").set("epochs", 1).set("batch_size", 32).set("seed", 5).set("shuffle", false)
          .set("channels", List.of(2)).set("dense", List.of(4)).set("kernel", 1).set("pool", 1).set("validate", 0.25)
          .callbacks(record);
      if (run == 1) {
        l.set("augment_flip", true);
      } else if (run == 2) {
        l.set("augment_crop", 1);
      }
      try (l) {
        l.train(images);
      }
      seen[run] = FirstBatches.train;
      valid[run] = FirstBatches.valid;
    }
    assertArrayEquals(valid[0], valid[1], "validation images are never changed");
    int flipped = 0;
    for (int i = 0; i < seen[0].length / 16; i++) {
      boolean same = true;
      boolean mirrored = true;
      for (int r = 0; r < 4; r++) {
        for (int c = 0; c < 4; c++) {
          same &= seen[1][i * 16 + r * 4 + c] == seen[0][i * 16 + r * 4 + c];
          mirrored &= seen[1][i * 16 + r * 4 + c] == seen[0][i * 16 + r * 4 + 3 - c];
        }
      }
      assertTrue(same || mirrored, "image " + i + " is itself or its mirror");
      flipped += same ? 0 : 1;
    }
    assertTrue(flipped > 3 && flipped < seen[0].length / 16 - 3, "about half are flipped: " + flipped);
    int shifted = 0;
    for (int i = 0; i < seen[0].length / 16; i++) {
      boolean found = false;
      for (int dy = -1; dy <= 1 && !found; dy++) {
        for (int dx = -1; dx <= 1 && !found; dx++) {
          boolean all = true;
          for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
              int sy = r + dy;
              int sx = c + dx;
              float want = sy < 0 || sy > 3 || sx < 0 || sx > 3 ? 0 : seen[0][i * 16 + sy * 4 + sx];
              all &= seen[2][i * 16 + r * 4 + c] == want;
            }
          }
          found = all;
          shifted += all && (dx != 0 || dy != 0) ? 1 : 0;
        }
      }
      assertTrue(found, "image " + i + " is itself shifted by at most one pixel, zeros coming in");
    }
    assertTrue(shifted > 10, "most images move: " + shifted);
    assertArrayEquals(valid[0], valid[2]);
    TorchworkException e = assertThrows(TorchworkException.class, () -> PLATFORM.learner("classif.mlp").set("epochs", 1)
        .set("batch_size", 8).set("augment_crop", 2).train(PLATFORM.task("iris")));
    assertEquals("augment_crop changes images, but the task's rows are flat (4 features). Use it with images (rows of shape C x H x W:"
        + " an IDX file, an image folder), or remove it.", e.getMessage());
  }
}
