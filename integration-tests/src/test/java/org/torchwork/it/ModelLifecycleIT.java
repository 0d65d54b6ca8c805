package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's whole life through the built distribution, as the README tells it: train the
 * vignette's scenario with --save, predict a CSV without a target, score a labelled one, reload
 * the model in Java, load it on the other engine, fine-tune it, export it; and every refusal on
 * the way, each with its file and its fix.
 */
class ModelLifecycleIT {
  private static final Path IRIS = Dist.REPO.resolve("runtime/src/main/resources/org/torchwork/runtime/builtin/iris.csv");
  private static final String[] VIGNETTE = {
    "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger,history",
    "--set", "cb.custom_logger.alpha=0.05", "--set", "epochs=5", "--set", "batch_size=16", "--set", "neurons=20",
    "--set", "opt.lr=0.05", "--set", "standardize=true", "--set", "seed=42"
  };

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static Path model;
  private static Path features;
  private static Dist.Result trained;

  @BeforeAll
  static void trainAndSave() throws IOException {
    model = shared.resolve("models/iris");
    trained = Dist.torchwork(null, with(VIGNETTE, "--save", model.toString()));
    features = shared.resolve("new.csv");
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(IRIS)) {
      lines.add(line.substring(0, line.lastIndexOf(',')));
    }
    Files.write(features, lines);
  }

  private static String[] with(String[] base, String... more) {
    List<String> args = new ArrayList<>(List.of(base));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void trainWithSaveWritesAVerifiedModelFolder() throws IOException {
    assertEquals(0, trained.exit(), trained.toString());
    assertTrue(trained.out().contains("Saved the model to " + model + " (predict with: torchwork predict --model " + model
        + " --data FILE.csv)."), trained.toString());
    try (Stream<Path> s = Files.list(model)) {
      assertEquals(List.of("manifest.json", "model.json", "network.params"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    String json = Files.readString(model.resolve("model.json"));
    for (String expected : List.of("\"learner\": \"classif.mlp\"", "\"Sepal.Length\"", "\"virginica\"", "\"custom_logger\"",
        "\"alpha\": 0.05", "\"engine\": \"pytorch\"", "\"seed\": 42", "\"epochs\": 5", "\"standardization\": {")) {
      assertTrue(json.contains(expected), expected + " in " + json);
    }
  }

  @Test
  void predictAFileWithoutTargetIntoAPredictionsFile() throws IOException {
    Path out = tmp.resolve("preds.csv");
    Dist.Result r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", features.toString(), "--out", out.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(0).startsWith("Predicting " + features + " with model " + model + " (classif.mlp, 4 features,"
        + " classes setosa, versicolor, virginica): engine pytorch (PyTorch 2.7.1, from the model's engine)"), r.toString());
    assertTrue(r.out().matches("(?s).*Predicted 150 row\\(s\\) into " + out + " in \\d+\\.\\d s\\.\n"), r.toString());
    assertEquals("", r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals(151, lines.size());
    assertEquals("row_id,response,prob.setosa,prob.versicolor,prob.virginica", lines.get(0));
    assertTrue(lines.get(1).startsWith("1,setosa,"), lines.get(1));
    assertTrue(lines.get(150).startsWith("150,virginica,"), lines.get(150));
  }

  @Test
  void predictionsPipedIntoHeadStopQuietlyWhenHeadHasEnough() throws IOException {
    Path big = tmp.resolve("big.csv");
    StringBuilder sb = new StringBuilder(Files.readAllLines(features).get(0)).append('\n');
    String row = Files.readAllLines(features).get(1);
    for (int i = 0; i < 100_000; i++) {
      sb.append(row).append('\n');
    }
    Files.writeString(big, sb);
    Dist.Result r = Dist.run(List.of("bash", "-c", "'" + Dist.REPO.resolve("bin/torchwork") + "' predict --model '" + model
        + "' --data '" + big + "' --out - | head -3; exit ${PIPESTATUS[0]}"), Map.of());
    assertEquals(141, r.exit(), "the status a shell gives SIGPIPE: " + r);
    assertEquals(3, r.outLines().size(), r.toString());
    assertTrue(!r.err().contains("error"), r.err());
  }

  @Test
  void predictALabelledFileScoresIt() throws IOException {
    Path out = tmp.resolve("scored.csv");
    Dist.Result r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", IRIS.toString(), "--out", out.toString(),
        "--score", "classif.acc,classif.ce");
    assertEquals(0, r.exit(), r.toString());
    int correct = 0;
    List<String> lines = Files.readAllLines(out);
    assertEquals("row_id,truth,response,prob.setosa,prob.versicolor,prob.virginica", lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      correct += cells[1].equals(cells[2]) ? 1 : 0;
    }
    String acc = new java.math.BigDecimal(correct / 150.0).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    assertTrue(r.outLines().contains("Scores on the 150 row(s) with a known truth:"), r.toString());
    assertTrue(r.outLines().contains("  classif.acc = " + acc), r.toString());
    assertTrue(correct >= 135, "five epochs learn iris: " + correct + " of 150");

    // Without --out, the first rows are shown with the default scores.
    r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", IRIS.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(1).matches("row_id\\s+truth\\s+response\\s+prob\\.setosa\\s+prob\\.versicolor\\s+prob\\.virginica"),
        r.toString());
    assertTrue(r.out().contains("... 140 more row(s); write them all with --out FILE.csv."), r.toString());
    assertTrue(r.outLines().contains("  classif.acc = " + acc), r.toString());
    assertTrue(r.out().contains("  classif.logloss = "), r.toString());
  }

  @Test
  void truthNeverSeenInTrainingIsReportedNotFatal() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(IRIS));
    lines.set(1, lines.get(1).replace("setosa", "hybrid"));
    Path data = Files.write(tmp.resolve("odd.csv"), lines);
    Dist.Result r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals("warning: 1 row(s) have truth values the model never saw in training (hybrid: 1); they are predicted but not"
        + " scored.\n", r.err());
    assertTrue(r.outLines().contains("Scores on the 149 row(s) with a known truth:"), r.toString());
  }

  @Test
  void theModelReloadedInJavaPredictsExactlyAsTheCommand() throws IOException {
    Path out = tmp.resolve("preds.csv");
    assertEquals(0, Dist.torchwork(null, "predict", "--model", model.toString(), "--data", features.toString(), "--out",
        out.toString()).exit());
    Dist.Result r = Dist.javaApp(ModelApp.class, model.toString(), features.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals("loaded classif.mlp trained on pytorch (PyTorch 2.7.1) on cpu, now on pytorch", r.outLines().get(0));
    List<String> fromCommand = Files.readAllLines(out);
    assertEquals(fromCommand.subList(1, 151), r.outLines().subList(1, 151), "the same predictions, bit for bit");
  }

  @Test
  void aModelTrainedOnPyTorchPredictsOnMxnet() throws IOException {
    Path onPytorch = tmp.resolve("pytorch.csv");
    Path onMxnet = tmp.resolve("mxnet.csv");
    assertEquals(0, Dist.torchwork(null, "predict", "--model", model.toString(), "--data", features.toString(), "--out",
        onPytorch.toString()).exit());
    Dist.Result r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", features.toString(), "--out",
        onMxnet.toString(), "--engine", "mxnet");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(0).contains("engine mxnet (MXNet 1.9.0, from the engine asked for)"), r.toString());
    assertSameWithin1e5(Files.readAllLines(onPytorch), Files.readAllLines(onMxnet));
  }

  /** Two predictions files: the same responses, probabilities within 1e-5. */
  private static void assertSameWithin1e5(List<String> a, List<String> b) {
    assertEquals(151, a.size());
    assertEquals(a.size(), b.size());
    assertEquals(a.get(0), b.get(0));
    List<String> columns = List.of(a.get(0).split(","));
    int response = columns.indexOf("response");
    for (int i = 1; i < a.size(); i++) {
      String[] x = a.get(i).split(",");
      String[] y = b.get(i).split(",");
      assertEquals(x[response], y[response], "row " + i);
      for (int c = response + 1; c < columns.size(); c++) {
        assertEquals(Float.parseFloat(x[c]), Float.parseFloat(y[c]), 1e-5, "row " + i + ", " + columns.get(c));
      }
    }
  }

  @Test
  void aModelTrainedOnMxnetPredictsOnPyTorch() throws IOException {
    Path onMxnet = tmp.resolve("mx");
    Dist.Result t = Dist.torchwork(null, with(VIGNETTE, "--engine", "mxnet", "--save", onMxnet.toString()));
    assertEquals(0, t.exit(), t.toString());
    Path there = tmp.resolve("mxnet.csv");
    Path here = tmp.resolve("pytorch.csv");
    Dist.Result r = Dist.torchwork(null, "predict", "--model", onMxnet.toString(), "--data", IRIS.toString(), "--out", there.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(0).contains("engine mxnet (MXNet 1.9.0, from the model's engine)"), r.toString());
    r = Dist.torchwork(null, "predict", "--model", onMxnet.toString(), "--data", IRIS.toString(), "--out", here.toString(),
        "--engine", "pytorch");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(0).contains("engine pytorch (PyTorch 2.7.1, from the engine asked for)"), r.toString());
    assertSameWithin1e5(Files.readAllLines(there), Files.readAllLines(here));
  }

  @Test
  void fineTuningAndASeparateValidationFile() throws IOException {
    List<String> lines = Files.readAllLines(IRIS);
    Path valid = Files.write(tmp.resolve("valid.csv"), lines.subList(0, 41));
    Dist.Result r = Dist.torchwork(null, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "history",
        "--init-from", model.toString(), "--set", "epochs=2", "--set", "batch_size=16", "--set", "neurons=20", "--set", "opt.lr=0.001",
        "--set", "measures_valid=classif.acc", "--valid", valid.toString(), "--set", "seed=1", "--save", tmp.resolve("tuned").toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().get(0).startsWith("Training classif.mlp on task iris (150 rows, 4 features; validating on valid, 40 rows)"),
        r.toString());
    assertTrue(r.out().contains("valid.classif.acc"), r.toString());
    assertTrue(Files.readString(tmp.resolve("tuned/model.json")).contains("\"init_from\": \"" + model + "\""));

    r = Dist.torchwork(null, "train", "--task", "iris", "--learner", "classif.mlp", "--init-from", model.toString(), "--set", "epochs=1",
        "--set", "batch_size=16", "--set", "neurons=8");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Model folder " + model + ": network.params does not fit the network learner 'classif.mlp'"
        + " builds (parameter 01Linear_weight is (20, 4) in the file but (8, 4) in the network these settings build). Build the"
        + " network as the model was saved: the same learner parameters (neurons, layers, ...; see model.json)"), r.toString());
  }

  @Test
  void aRunConfigSavesValidatesAndOverwrites() throws IOException {
    List<String> lines = Files.readAllLines(IRIS);
    Files.write(tmp.resolve("valid.csv"), lines.subList(0, 31));
    Path config = Files.writeString(tmp.resolve("run.yaml"), String.join("\n",
        "task: iris", "learner: classif.mlp", "valid: valid.csv", "save: models/run", "overwrite: true", "callbacks: [history]",
        "params:", "  epochs: 2", "  batch_size: 16", "  measures_valid: classif.acc", "  seed: 4", ""));
    for (int run = 0; run < 2; run++) {
      Dist.Result r = Dist.torchwork(null, "train", "--config", config.toString());
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.out().contains("validating on valid, 30 rows"), r.toString());
      assertTrue(r.out().contains("Saved the model to " + tmp.resolve("models/run")), r.toString());
    }
    Files.writeString(config, Files.readString(config).replace("overwrite: true", "overwrite: yes"));
    Dist.Result r = Dist.torchwork(null, "train", "--config", config.toString());
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: Config file " + config + " line 5, key 'overwrite': overwrite must be true or false, not 'yes'.\n", r.err());
  }

  @Test
  void exportToTorchScriptIsCheckedByLibtorch() throws IOException {
    Path pt = tmp.resolve("iris.pt");
    Dist.Result r = Dist.torchwork(null, "export", "--model", model.toString(), "--out", pt.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals(List.of(
        "Exported model " + model + " (classif.mlp, trained on pytorch (PyTorch 2.7.1) on cpu) to " + pt + " as torchscript.",
        "It takes float32 rows of 4 features in this order: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width (raw values: it"
            + " standardizes them itself);",
        "a missing value (NaN) is filled with the training rows' median, as predict does;",
        "it returns the probabilities of setosa, versicolor, virginica, in this order."), r.outLines().subList(0, 4));
    assertTrue(r.outLines().get(4).startsWith("Checked: PyTorch loaded it back and it predicted 64 probe rows as the model does"),
        r.toString());
    assertTrue(Files.size(pt) > 1000);

    r = Dist.torchwork(null, "export", "--model", model.toString(), "--out", tmp.resolve("m.json").toString(), "--format", "mxnet");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Export format 'mxnet' cannot be written: MXNet serves symbolic models"), r.err());
  }

  // ---- refusals ----

  @Test
  void aTamperedModelIsRefusedNamingTheFile() throws IOException {
    Path copy = copyModel(tmp.resolve("tampered"));
    byte[] bytes = Files.readAllBytes(copy.resolve("network.params"));
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(copy.resolve("network.params"), bytes);
    Dist.Result r = Dist.torchwork(null, "predict", "--model", copy.toString(), "--data", features.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Model folder " + copy + ": network.params does not match its SHA-256 in manifest.json"),
        r.err());
    assertTrue(r.err().endsWith("it was changed after it was written. Give the folder that train --save (or TrainedModel.save)"
        + " wrote. Restore the folder from a good copy, or train and save the model again.\n"), r.err());

    Path extra = copyModel(tmp.resolve("extra"));
    Files.writeString(extra.resolve("notes.txt"), "mine");
    r = Dist.torchwork(null, "predict", "--model", extra.toString(), "--data", features.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Model folder " + extra + ": notes.txt is not listed in manifest.json"), r.err());
  }

  @Test
  void aMissingColumnAndAValueThatIsNotFiniteAreRefused() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(features)) {
      lines.add(line.substring(0, line.lastIndexOf(',')));
    }
    Path noWidth = Files.write(tmp.resolve("no-width.csv"), lines);
    Path out = tmp.resolve("out.csv");
    Dist.Result r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", noWidth.toString(), "--out", out.toString());
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: Data file " + noWidth + " has no column 'Petal.Width', which the model needs. Did you mean"
        + " 'Sepal.Width'? Its columns: Sepal.Length, Sepal.Width, Petal.Length. Predict data that has every feature the model was trained on: Sepal.Length, Sepal.Width,"
        + " Petal.Length, Petal.Width.\n", r.err());
    assertFalse(Files.exists(out));

    List<String> inf = new ArrayList<>(Files.readAllLines(IRIS));
    inf.set(7, inf.get(7).replaceFirst("^[^,]+", "Inf"));
    Path bad = Files.write(tmp.resolve("bad.csv"), inf);
    r = Dist.torchwork(null, "train", "--task", bad.toString(), "--target", "Species", "--learner", "classif.mlp", "--set", "epochs=1",
        "--set", "batch_size=16");
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: Task file " + bad + " line 8, column 'Sepal.Length': 'Inf' is not a finite number. A feature must be"
        + " finite: remove the value or leave the cell empty (missing values are imputed).\n", r.err());
    r = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", bad.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Data file " + bad + " line 8, column 'Sepal.Length': 'Inf' is not a finite number."), r.err());
  }

  @Test
  void aUsedFolderIsRefusedBeforeTraining() throws IOException {
    Path used = Files.createDirectories(tmp.resolve("results"));
    Files.writeString(used.resolve("report.txt"), "keep");
    Dist.Result r = Dist.torchwork(null, with(VIGNETTE, "--save", used.toString(), "--overwrite"));
    assertEquals(2, r.exit(), r.toString());
    assertEquals("", r.out(), "nothing was trained");
    assertEquals("error: Model folder " + used + " is not empty and does not hold a torchwork-model (it holds report.txt), so"
        + " writing there could destroy files Torchwork did not create. Give a new or empty folder.\n", r.err());
    assertEquals("keep", Files.readString(used.resolve("report.txt")));

    r = Dist.torchwork(null, with(VIGNETTE, "--save", model.toString()));
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: Model folder " + model + " already holds a torchwork-model. Give another folder, or --overwrite"
        + " (overwrite=true in Java) to replace it.\n", r.err());
  }

  @Test
  void aPluginLearnersModelNeedsItsPluginOfTheSameMajorVersion() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(Dist.REPO_PLUGINS.resolve("res-mlp.jar"), plugins.resolve("res-mlp.jar"));
    Path resMlp = tmp.resolve("res-mlp");
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.res_mlp", "--set", "epochs=2",
        "--set", "batch_size=16", "--set", "seed=3", "--save", resMlp.toString());
    assertEquals(0, r.exit(), r.toString());
    String json = Files.readString(resMlp.resolve("model.json"));
    assertTrue(json.contains("\"plugin\": \"res-mlp.jar\""), json);
    assertTrue(json.contains("\"version\": \"1.0.0\""), json);
    assertTrue(json.contains("\"sha256\": \"" + Dist.sha256(plugins.resolve("res-mlp.jar")) + "\""), json);
    assertEquals(0, Dist.torchwork(plugins, "predict", "--model", resMlp.toString(), "--data", IRIS.toString()).exit());

    Path empty = Files.createDirectories(tmp.resolve("no-plugins"));
    r = Dist.torchwork(empty, "predict", "--model", resMlp.toString(), "--data", IRIS.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Model folder " + resMlp + " was trained with learner 'classif.res_mlp' from plugin"
        + " res-mlp.jar (org.torchwork.examples.resmlp 1.0.0, SHA-256 "), r.err());
    assertTrue(r.err().endsWith("which is not loaded: the plugins directory " + empty + " does not provide it. Put res-mlp.jar"
        + " (version 1.x) into the plugins directory (--plugins DIR, or TORCHWORK_PLUGINS) and load again.\n"), r.err());

    Path two = Files.createDirectories(tmp.resolve("plugins-2"));
    Path jar = Files.copy(Dist.REPO_PLUGINS.resolve("res-mlp.jar"), two.resolve("res-mlp.jar"));
    ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
    assertEquals(0, tool.run(System.out, System.err, "--update", "--file", jar.toString(), "--module-version", "2.0.0"));
    r = Dist.torchwork(two, "predict", "--model", resMlp.toString(), "--data", IRIS.toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("from plugin res-mlp.jar version 1.0.0, but the plugins directory has version 2.0.0 ("
        + jar + "), another major version, whose network may differ. Put a 1.x build of the plugin into the plugins directory"
        + " to load it."), r.err());

    r = Dist.torchwork(plugins, "export", "--model", resMlp.toString(), "--out", tmp.resolve("res-mlp.pt").toString());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: The network of learner 'classif.res_mlp' has a block TorchScript export cannot"
        + " translate: ai.djl.nn.ParallelBlock. "), r.err());
  }

  private static Path copyModel(Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(model)) {
      s.forEach(p -> {
        try {
          Files.copy(p, to.resolve(p.getFileName()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return to;
  }
}
