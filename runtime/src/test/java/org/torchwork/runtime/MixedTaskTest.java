package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.data.CsvTable;
import org.torchwork.data.TaskRows;

/** A table with categories and missing values, through the whole runtime: training, resume, fine-tuning, prediction. */
class MixedTaskTest {
  private static final Platform PLATFORM = Platform.builder().build();

  @TempDir Path tmp;

  /** 120 rows: a number with gaps, a colour with gaps, a logical; the class follows colour and the number. */
  static String csv() {
    Random r = new Random(5);
    StringBuilder s = new StringBuilder("size;colour;shiny;y\n");
    String[] colours = {"red", "green", "blue"};
    for (int i = 0; i < 120; i++) {
      int c = r.nextInt(3);
      double size = Math.round(r.nextGaussian() * 100) / 10.0;
      boolean yes = c == 0 || size > 1;
      s.append(i % 9 == 0 ? "NA" : Double.toString(size)).append(';').append(i % 11 == 0 ? "" : colours[c]).append(';')
          .append(r.nextBoolean() ? "TRUE" : "FALSE").append(';').append(yes ? "yes" : "no").append('\n');
    }
    return s.toString();
  }

  static Task task() {
    return CsvTable.of("mixed.csv", csv().getBytes(StandardCharsets.UTF_8)).target("y").task(TaskType.CLASSIF);
  }

  private static TorchLearner learner(String engine) {
    return PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 16).set("neurons", List.of(8)).set("seed", 11)
        .set("engine", engine).set("impute_indicators", true).set("standardize", true);
  }

  private static List<float[]> weights(TrainedModel m) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : m.network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  /** Saves a checkpoint after epoch 1. */
  static final class SaveAfterFirst extends CallbackSet {
    private final Path dir;

    SaveAfterFirst(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      if (ctx.epoch() == 1) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aResumedRunPreparesItsRowsAsTheCheckpointDidAndEndsBitForBitAsAnUninterruptedOne(String engine) {
    Task task = task();
    Path ckpt = tmp.resolve("ckpt-" + engine);
    TorchCallback saver = TorchCallback.builder("saver", SaveAfterFirst.class).build(p -> new SaveAfterFirst(ckpt));
    List<float[]> straight;
    try (TorchLearner l = learner(engine).callbacks(saver).train(task)) {
      straight = weights(l.model());
      assertEquals(List.of("size", "size.missing", "colour=blue", "colour=green", "colour=red", "colour=.missing", "shiny"),
          l.model().preprocessing().encodedNames());
    }
    try (TorchLearner resumed = learner(engine).callbacks(saver).set("resume", ckpt.toString()).train(task)) {
      List<float[]> after = weights(resumed.model());
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), after.get(i), "parameter " + i);
      }
    }
  }

  @Test
  void fineTuningKeepsTheSavedModelsPreparationEvenOnRowsWithAnotherMedian() {
    Task task = task();
    Path saved = tmp.resolve("model");
    double fill;
    try (TorchLearner l = learner("pytorch").train(task)) {
      l.model().save(saved);
      fill = l.model().preprocessing().inputs().get(0).fill();
    }
    int[] large = java.util.stream.IntStream.range(0, task.nrow()).filter(i -> task.feature(i, 0) > 2).toArray();
    Task few = task.subset("large", large);
    try (TorchLearner tuned = learner("pytorch").set("init_from", saved.toString()).train(few)) {
      assertEquals(fill, tuned.model().preprocessing().inputs().get(0).fill(), "the saved model's median, not the new rows'");
    }
    try (TorchLearner fresh = learner("pytorch").train(few)) {
      assertNotEquals(fill, fresh.model().preprocessing().inputs().get(0).fill(), "the new rows alone have another median");
    }
  }

  @Test
  void rowsOfJavaValuesPredictAsTheSameRowsReadFromAFile() throws Exception {
    try (TorchLearner l = learner("pytorch").train(task())) {
      Path file = Files.writeString(tmp.resolve("rows.csv"), "size;colour;shiny\n1.5;blue;TRUE\nNA;purple;FALSE\n");
      PredictionReport fromFile = l.model().predictCsv(file, (Path) null, List.of(), 10);
      assertEquals(Map.of("colour", Map.of("purple", 1L)), fromFile.unseenLevels());
      Map<String, Object> missing = new HashMap<>();
      missing.put("size", null);
      missing.put("colour", "purple");
      missing.put("shiny", false);
      Prediction fromJava = l.model().predictValues(List.of(Map.of("size", 1.5, "colour", "blue", "shiny", true), missing));
      for (int i = 0; i < 2; i++) {
        assertEquals(fromFile.head().get(i).get(2), Float.toString(fromJava.prob(i, 0)), "row " + i);
      }
      assertTrue(fromJava.prob(1, 0) > 0 && fromJava.prob(1, 0) < 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"classif.tab_resnet", "classif.ft_transformer"})
  void learnersWithEmbeddingsTakeLevelIndicesAfterTheNumbersAndPredictAfterALoad(String id) {
    TorchLearner l = PLATFORM.learner(id).set("epochs", 3).set("batch_size", 16).set("seed", 4).set("impute_indicators", true);
    if (id.endsWith("ft_transformer")) {
      l.set("d_token", 8).set("n_blocks", 1).set("attention_n_heads", 2);
    }
    try (l) {
      l.train(task());
      assertEquals(List.of("size", "size.missing", "shiny", "colour"), l.model().preprocessing().encodedNames());
      assertEquals(List.of(4), l.model().preprocessing().cardinalities(), "three colours and one for missing or unseen");
      Path saved = tmp.resolve(id);
      l.model().save(saved);
      List<Map<String, Object>> rows = List.of(Map.of("size", 0.5, "colour", "red", "shiny", true),
          Map.of("size", 3.0, "colour", "purple", "shiny", false));
      Prediction before = l.model().predictValues(rows);
      try (TrainedModel loaded = TrainedModel.load(saved)) {
        Prediction after = loaded.predictValues(rows);
        for (int i = 0; i < 2; i++) {
          assertEquals(before.prob(i, 0), after.prob(i, 0), 1e-6, "row " + i);
        }
      }
    }
  }

  @Test
  void aSavedModelReadsFilesToPredictAsItsTrainingFileWasRead() throws Exception {
    Path train = Files.writeString(tmp.resolve("train.csv"), "x;c;y\n1,5;a;u\n?;b;v\n2,5;a;u\n3,5;b;v\n");
    Task task = CsvTable.of(train).set("decimal", ",").set("na", "?").target("y").task(TaskType.CLASSIF);
    Path saved = tmp.resolve("decimal-model");
    try (TorchLearner l = learner("pytorch").train(task)) {
      l.model().save(saved);
    }
    Path data = Files.writeString(tmp.resolve("new.csv"), "x;c\n?;a\n2,75;b\n");
    try (TrainedModel m = TrainedModel.load(saved)) {
      assertEquals(',', m.csvFormat().decimal());
      PredictionReport r = m.predictCsv(data, (Path) null, List.of(), 10);
      assertEquals(2, r.rows());
    }
  }
}
