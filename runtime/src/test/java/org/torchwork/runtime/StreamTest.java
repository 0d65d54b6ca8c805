package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.data.CsvTable;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.RowCache;

/** Rows streamed from a cache file train, validate, resume and predict exactly as the same rows in memory. */
class StreamTest {
  private static final Platform PLATFORM = Platform.builder().build();

  @TempDir Path tmp;

  /** An IDX images file (gzipped) of bright squares in one of two corners, with its labels beside it. */
  private Path idx(int n, int size, long seed) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream images = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    DataOutputStream im = new DataOutputStream(images);
    DataOutputStream lb = new DataOutputStream(labels);
    im.writeInt(0x803);
    im.writeInt(n);
    im.writeInt(size);
    im.writeInt(size);
    lb.writeInt(0x801);
    lb.writeInt(n);
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(2);
      lb.write(label);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          boolean lit = label == 0 ? y < size / 2 && x < size / 2 : y >= size / 2 && x >= size / 2;
          im.write(Math.min(255, (lit ? 180 : 20) + r.nextInt(60)));
        }
      }
    }
    Path file = tmp.resolve("train-images-idx3-ubyte");
    Files.write(file, images.toByteArray());
    Files.write(tmp.resolve("train-labels-idx1-ubyte"), labels.toByteArray());
    return file;
  }

  private static List<float[]> weights(TrainedModel m) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : m.network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  private static void assertSameWeights(List<float[]> a, List<float[]> b, String what) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), what + ": parameter " + i);
    }
  }

  private static TorchLearner cnn(String engine) {
    return PLATFORM.learner("classif.cnn").set("epochs", 3).set("batch_size", 16).set("seed", 5).set("engine", engine)
        .set("channels", List.of(4, 8)).set("dense", List.of(16)).set("opt.lr", 0.01).set("validate", 0.2)
        .set("augment_flip", true).set("augment_crop", 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aStreamedShuffledAugmentedImageTaskTrainsAsInMemoryAndResumesMidEpochBitForBit(String engine) throws IOException {
    Path images = idx(150, 8, 1);
    Task memory = IdxFiles.read(images, null);
    RowCache.Opened opened = RowCache.open(images, Map.of(), null);
    Task streamed = opened.task();
    assertTrue(streamed.isStreamed());

    List<float[]> inMemory;
    try (TorchLearner l = cnn(engine).train(memory)) {
      inMemory = weights(l.model());
      assertTrue(l.model().dataFeed().isEmpty());
    }
    Path ckpt = tmp.resolve("ckpt-" + engine);
    TorchCallback saver = TorchCallback.builder("saver", CnnTest.SaveMidEpoch.class).build(p -> new CnnTest.SaveMidEpoch(ckpt));
    List<float[]> straight;
    Prediction predicted;
    try (TorchLearner l = cnn(engine).callbacks(saver).train(streamed)) {
      straight = weights(l.model());
      DataFeed feed = l.model().dataFeed().orElseThrow();
      assertEquals("cache " + opened.cache(), feed.source());
      assertTrue(feed.waitShare() >= 0 && feed.waitShare() <= 1, feed.describe());
      assertTrue(feed.describe().startsWith("rows streamed from cache " + opened.cache() + "; waited for them "), feed.describe());
      predicted = l.model().predict(streamed);
      Prediction fromMemory = l.model().predict(memory);
      for (int i = 0; i < memory.nrow(); i++) {
        assertEquals(fromMemory.prob(i, 0), predicted.prob(i, 0), engine + ": row " + i);
      }
      assertTrue(predicted.score(PLATFORM.measure("classif.acc")) > 0.9, engine);
    }
    assertSameWeights(inMemory, straight, engine + ": streamed against in memory");
    // Stopped after batch 3 of epoch 2 and resumed from that checkpoint, on the reopened cache.
    try (TorchLearner resumed = cnn(engine).callbacks(saver).set("resume", ckpt.toString())
        .train(RowCache.open(images, Map.of(), null).task())) {
      assertSameWeights(straight, weights(resumed.model()), engine + ": resumed against straight");
    }
  }

  @Test
  void aStreamedTableStandardizesItsBatchesAsTheTableInMemoryIsStandardized() throws IOException {
    Path csv = tmp.resolve("wide.csv");
    StringBuilder text = new StringBuilder("a,b,c,y\n");
    Random r = new Random(9);
    for (int i = 0; i < 300; i++) {
      double a = r.nextGaussian() * 50 + 1000;
      double b = r.nextInt(7);
      double c = r.nextGaussian();
      text.append(a).append(',').append(b).append(',').append(c).append(',').append(0.01 * a + b - 2 * c).append('\n');
    }
    Files.writeString(csv, text);
    Task memory = CsvTable.of(csv).set("target", "y").task(TaskType.REGR);
    Task streamed = RowCache.open(csv, Map.of("target", "y"), TaskType.REGR).task();
    List<float[]> a;
    try (TorchLearner l = PLATFORM.learner("regr.mlp").set("epochs", 3).set("batch_size", 32).set("seed", 2).set("standardize", true)
        .set("neurons", List.of(8)).train(memory)) {
      a = weights(l.model());
    }
    try (TorchLearner l = PLATFORM.learner("regr.mlp").set("epochs", 3).set("batch_size", 32).set("seed", 2).set("standardize", true)
        .set("neurons", List.of(8)).train(streamed)) {
      assertSameWeights(a, weights(l.model()), "standardized");
      assertFalse(l.model().dataFeed().isEmpty());
      // The same rows, columns in another order, streamed: the model picks its columns as the rows are read.
      StringBuilder shuffled = new StringBuilder("y,c,a,b\n");
      List<String> lines = Files.readAllLines(csv);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        shuffled.append(f[3]).append(',').append(f[2]).append(',').append(f[0]).append(',').append(f[1]).append('\n');
      }
      Path other = Files.writeString(tmp.resolve("shuffled.csv"), shuffled);
      Prediction picked = l.model().predict(RowCache.open(other, Map.of("target", "y"), TaskType.REGR).task());
      Prediction direct = l.model().predict(memory);
      for (int i = 0; i < 300; i++) {
        assertEquals(direct.response(i), picked.response(i), "row " + i);
      }
      Path saved = tmp.resolve("model");
      l.model().save(saved);
      try (TrainedModel loaded = TrainedModel.load(saved)) {
        Prediction p = loaded.predict(streamed);
        Prediction q = l.model().predict(memory);
        for (int i = 0; i < 300; i++) {
          assertEquals(q.response(i), p.response(i), "row " + i);
        }
      }
    }
  }
}
