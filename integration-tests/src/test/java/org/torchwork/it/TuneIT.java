package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code torchwork resample} and {@code torchwork tune} from the command line: on iris and on a
 * CSV file, on two local workers and on Spark {@code local[2]} (the same scores trial by trial), a
 * tuning killed with SIGKILL that goes on without repeating a trial, and a failing trial retried
 * by Spark and then reported.
 */
class TuneIT {
  @TempDir Path tmp;
  Path plugins;

  @BeforeEach
  void plugins() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.build("refusing", true, plugins.resolve("refusing.jar"));
  }

  /** 120 rows of two features, class a or b by the sign of their sum, in a CSV file. */
  private Path csv() throws IOException {
    Random random = new Random(1);
    StringBuilder sb = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 120; i++) {
      double x1 = random.nextGaussian();
      double x2 = random.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", x1, x2, x1 + x2 > 0 ? "a" : "b"));
    }
    Path file = tmp.resolve("signs.csv");
    Files.writeString(file, sb);
    return file;
  }

  @Test
  void resampleScoresEveryFoldOnIrisAndOnACsvFile() throws IOException {
    Path log = tmp.resolve("logs/log.csv");
    Dist.Result r = Dist.torchwork(plugins, "resample", "--task", "iris", "--learner", "classif.mlp", "--set", "epochs=5",
        "--set", "batch_size=16", "--set", "opt.lr=0.02", "--callbacks", "csv_logger", "--set", "cb.csv_logger.path=" + log,
        "--folds", "5", "--score", "classif.acc,classif.ce", "--json");
    assertEquals(0, r.exit(), r.toString());
    for (int f = 1; f <= 5; f++) {
      assertEquals(6, Files.readAllLines(tmp.resolve("logs/log-r1-f" + f + ".csv")).size(), "split " + f + "'s own log");
    }
    JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
    JsonArray folds = doc.getAsJsonArray("folds");
    assertEquals(5, folds.size());
    double sum = 0;
    for (JsonElement f : folds) {
      assertEquals(30, f.getAsJsonObject().get("test_rows").getAsInt());
      assertEquals(120, f.getAsJsonObject().get("train_rows").getAsInt());
      double acc = f.getAsJsonObject().getAsJsonObject("scores").get("classif.acc").getAsDouble();
      assertEquals(1.0, acc + f.getAsJsonObject().getAsJsonObject("scores").get("classif.ce").getAsDouble(), 1e-9);
      sum += acc;
    }
    assertEquals(sum / 5, doc.getAsJsonObject("aggregate").getAsJsonObject("classif.acc").get("mean").getAsDouble(), 1e-12);

    Path data = csv();
    Dist.Result c = Dist.torchwork(plugins, "resample", "--task", data.toString(), "--target", "y", "--learner", "classif.mlp",
        "--set", "epochs=10", "--set", "batch_size=16", "--set", "opt.lr=0.05", "--set", "patience=2", "--set", "validate=0.25",
        "--set", "measures_valid=classif.ce", "--holdout", "0.25", "--repeats", "2", "--score", "classif.acc");
    assertEquals(0, c.exit(), c.toString());
    assertTrue(c.out().contains("holdout of 25.0%, repeated 2 times, stratified, split seed 1"), c.out());
    assertTrue(c.out().contains("r2-f1"), c.out());
    assertTrue(c.out().contains("classif.acc: mean "), c.out());
  }

  private Path config(String search) throws IOException {
    Path file = tmp.resolve("run.yaml");
    Files.writeString(file, String.join("\n",
        "task: iris",
        "learner: classif.mlp",
        "callbacks: [lr_step]",
        "params:",
        "  epochs: 6",
        "  batch_size: 16",
        "  seed: 7",
        "  cb.lr_step.step_size: 2",
        "search:",
        search,
        ""));
    return file;
  }

  private static final String SPACE = "  opt.lr: loguniform(1e-3, 1e-1)\n  cb.lr_step.gamma: [0.1, 0.5]\n  neurons: [8, 16]";

  @Test
  void twoWorkersAndSparkLocalGiveEveryTrialTheSameScores() throws IOException {
    Path run = config(SPACE);
    Dist.Result local = Dist.torchwork(plugins, "tune", "--config", run.toString(), "--folds", "2", "--trials", "4", "--workers",
        "2", "--score", "classif.acc,classif.ce", "--out", tmp.resolve("local").toString(), "--save", tmp.resolve("best").toString(),
        "--json");
    assertEquals(0, local.exit(), local.toString());
    Dist.Result spark = Dist.torchwork(plugins, "tune", "--config", run.toString(), "--folds", "2", "--trials", "4", "--spark",
        "local[2]", "--score", "classif.acc,classif.ce", "--out", tmp.resolve("spark").toString(), "--json");
    assertEquals(0, spark.exit(), spark.toString());
    List<String> a = trials(local.out());
    assertEquals(4, a.size());
    assertEquals(a, trials(spark.out()));
    JsonObject doc = JsonParser.parseString(local.out()).getAsJsonObject();
    assertTrue(doc.getAsJsonArray("trials").get(0).getAsJsonObject().getAsJsonObject("values").has("cb.lr_step.gamma"));
    // The best configuration, trained on all the data and saved, predicts.
    Path rows = tmp.resolve("rows.csv");
    Files.writeString(rows, "Sepal.Length,Sepal.Width,Petal.Length,Petal.Width\n5.1,3.5,1.4,0.2\n");
    Dist.Result predict = Dist.torchwork(plugins, "predict", "--model", tmp.resolve("best").toString(), "--data", rows.toString(),
        "--out", "-");
    assertEquals(0, predict.exit(), predict.toString());
    assertEquals(5, Files.readAllLines(tmp.resolve("local/results.csv")).size());
  }

  /** Each trial's number, values and every fold's scores, as JSON text. */
  private static List<String> trials(String json) {
    List<String> out = new ArrayList<>();
    for (JsonElement t : JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("trials")) {
      JsonObject o = t.getAsJsonObject();
      List<String> folds = new ArrayList<>();
      o.getAsJsonArray("folds").forEach(f -> folds.add(f.getAsJsonObject().get("scores").toString()));
      out.add(o.get("trial") + " " + o.get("status") + " " + o.get("values") + " " + o.get("scores") + " " + folds);
    }
    return out;
  }

  @Test
  void aKilledTuningGoesOnWithoutRepeatingATrial() throws IOException {
    Path run = config(SPACE);
    Path out = tmp.resolve("killed");
    String[] args = {"tune", "--config", run.toString(), "--folds", "3", "--trials", "4", "--out", out.toString()};
    try (Running first = Running.torchwork(plugins, Map.of(), args)) {
      first.awaitLine(l -> l.startsWith("  trial   1 ") || l.startsWith("  trial   2 "));
      first.signal("KILL");
      assertEquals(137, first.finish().exit());
    }
    String recorded = Files.readString(out.resolve("trials.json"));
    long before = recorded.lines().filter(l -> l.startsWith("      \"trial\": ")).count();
    assertTrue(before >= 1 && before < 4, recorded);
    Dist.Result second = Dist.torchwork(plugins, args);
    assertEquals(0, second.exit(), second.toString());
    assertTrue(second.out().contains(before + " trial(s) were recorded before; " + (4 - before) + " ran now."), second.out());
    long ranNow = second.out().lines().filter(l -> l.startsWith("  trial ")).count();
    assertEquals(4 - before, ranNow, second.out());
    for (int i = 1; i <= before; i++) {
      assertTrue(!second.out().contains(String.format(Locale.ROOT, "  trial %3d ", i)), "trial " + i + " ran again: " + second.out());
    }
    assertEquals(5, Files.readAllLines(out.resolve("results.csv")).size());
  }

  @Test
  void ctrlCStopsATuningWhichThenGoesOn() throws IOException {
    Path run = config(SPACE);
    Path out = tmp.resolve("interrupted");
    String[] args = {"tune", "--config", run.toString(), "--folds", "3", "--trials", "3", "--out", out.toString()};
    try (Running first = Running.torchwork(plugins, Map.of(), args)) {
      first.awaitLine(l -> l.startsWith("  trial   1 "));
      first.signal("INT");
      Dist.Result r = first.finish();
      assertEquals(130, r.exit(), r.toString());
    }
    long before = Files.readString(out.resolve("trials.json")).lines().filter(l -> l.startsWith("      \"trial\": ")).count();
    Dist.Result second = Dist.torchwork(plugins, args);
    assertEquals(0, second.exit(), second.toString());
    assertEquals(3 - before, second.out().lines().filter(l -> l.startsWith("  trial ")).count(), second.out());
    assertEquals(4, Files.readAllLines(out.resolve("results.csv")).size());
  }

  @Test
  void aFailingTrialIsRetriedBySparkThenReportedNeverDropped() throws IOException {
    Path run = tmp.resolve("refusing.yaml");
    Files.writeString(run, "task: iris\nlearner: classif.mlp\ncallbacks: [refusing]\nparams:\n  epochs: 2\n  batch_size: 32\n"
        + "search:\n  cb.refusing.fail: [false, true]\n");
    Dist.Result r = Dist.torchwork(plugins, "tune", "--config", run.toString(), "--method", "grid", "--folds", "2", "--spark",
        "local[2]", "--out", tmp.resolve("refused").toString());
    assertEquals(0, r.exit(), "one trial succeeded: " + r);
    List<String> rows = Files.readAllLines(tmp.resolve("refused/results.csv"));
    assertEquals(3, rows.size(), rows.toString());
    String failed = rows.stream().filter(l -> l.contains(",failed,")).findFirst().orElseThrow(() -> new AssertionError(rows));
    assertTrue(failed.contains("failed 2 times"), "retried once by Spark: " + failed);
    assertTrue(failed.contains("refusing to train, as fail=true asks"), failed);
    assertTrue(r.out().contains("FAILED: failed on Spark"), r.out());
  }
}
