package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command knows itself: its version and its engines', global options before the command,
 * exit statuses in every help, a completion script, what exists and how a run ended.
 */
class CommandIT {
  private static Dist.Result torchwork(String... args) {
    return Dist.torchwork(Dist.REPO_PLUGINS, args);
  }

  @Test
  void versionNamesTorchworkDjlEachEngineAndJava() {
    Dist.Result r = torchwork("--version");
    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertTrue(lines.get(0).matches("torchwork \\d+\\.\\d+\\.\\d+.*"), r.toString());
    assertEquals("DJL 0.36.0", lines.get(1));
    assertTrue(lines.contains("MXNet 1.9.0") && lines.contains("PyTorch 2.7.1"), r.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("Java " + Runtime.version().feature()), r.toString());
  }

  @Test
  void globalOptionsWorkBeforeOrAfterTheCommand() {
    Dist.Result before = torchwork("--plugins", Dist.REPO_PLUGINS.toString(), "--verbose", "plugins");
    Dist.Result after = torchwork("plugins", "--plugins", Dist.REPO_PLUGINS.toString(), "--verbose");
    assertEquals(0, before.exit(), before.toString());
    assertEquals(after.out(), before.out());
  }

  @Test
  void everyHelpListsTheExitStatuses() {
    for (String command : List.of("train", "predict", "export", "callbacks", "learners", "tasks", "measures", "losses", "engines",
        "plugins", "schedule")) {
      Dist.Result r = torchwork(command, "--help");
      assertEquals(0, r.exit(), r.toString());
      for (String code : List.of("0     Success.", "2     A mistake in the settings", "3     Java ran out of memory.",
          "130   Interrupted by Ctrl-C (SIGINT).", "143   Stopped by SIGTERM.")) {
        assertTrue(r.out().contains(code), command + " --help lacks '" + code + "':\n" + r.out());
      }
    }
    assertTrue(torchwork("train", "--help").out().contains("'torchwork learners [ID]' (every parameter for --set)"));
  }

  @Test
  void theCompletionScriptIsGeneratedForBashAndZsh() {
    Dist.Result r = torchwork("completion");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.toString());
    assertTrue(r.out().contains("complete -F _complete_torchwork"), r.toString());
    Dist.Result syntax = Dist.run(List.of("bash", "-n", "-c", r.out()), Map.of());
    assertEquals(0, syntax.exit(), syntax.toString());
  }

  @Test
  void learnersTasksAndMeasuresListWhatExistsWithTheirParameters() {
    Dist.Result learners = torchwork("learners");
    assertTrue(learners.outLines().stream().anyMatch(l -> l.matches("classif\\.mlp +Multi Layer Perceptron +classif +neurons,"
        + " layers, activation, dropout +module org\\.torchwork\\.runtime.*")), learners.toString());
    Dist.Result mlp = torchwork("learners", "classif.mlp");
    assertTrue(mlp.outLines().contains("    opt.lr: a number > 0, default 0.001 - learning rate"), mlp.toString());
    assertTrue(mlp.outLines().contains("    loss: a string, default cross_entropy - the loss to train with, by id ('torchwork losses'"
        + " lists them); its parameters are set as loss.<param>"), mlp.toString());
    assertTrue(mlp.outLines().contains("    loss.label_smoothing: a number in [0, 1], default 0 - cross_entropy: the share of the"
        + " target spread evenly over all classes (PyTorch's label_smoothing)"), mlp.toString());
    assertTrue(mlp.outLines().stream().anyMatch(l -> l.startsWith("    class_weight: a string, optional - classification: weigh")),
        mlp.toString());
    Dist.Result losses = torchwork("losses");
    assertTrue(losses.outLines().stream().anyMatch(l -> l.matches("cross_entropy +Cross-entropy +classif +loss\\.label_smoothing=0"
        + " +module org\\.torchwork\\.runtime.*")), losses.toString());
    assertTrue(losses.outLines().stream().anyMatch(l -> l.matches("poisson +Poisson +regr +- +module org\\.torchwork\\.runtime.*")),
        losses.toString());
    Dist.Result poisson = torchwork("losses", "poisson");
    assertTrue(poisson.out().contains("the network's output is the log of the rate"), poisson.toString());
    Dist.Result measures = torchwork("measures");
    assertTrue(measures.outLines().stream().anyMatch(l -> l.matches("classif\\.ce +Classification Error +classif +lower .*")),
        measures.toString());
    assertTrue(torchwork("tasks").out().contains("iris"));
    Dist.Result unknown = torchwork("learners", "classif.mpl");
    assertEquals(2, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("Did you mean 'classif.mlp'?"), unknown.toString());
  }

  @Test
  void aRunSaysHowItEndedAndANearMissIsSuggested() {
    Dist.Result all = torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--set", "epochs=2", "--set",
        "batch_size=50", "--set", "seed=1");
    assertTrue(all.outLines().contains("Trained 2 epoch(s) with seed 1: all 2 epochs done."), all.toString());
    Dist.Result early = torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--set", "epochs=10", "--set",
        "batch_size=50", "--set", "seed=1", "--set", "validate=0.3", "--set", "measures_valid=classif.ce", "--set",
        "patience=1", "--set", "min_delta=100");
    assertTrue(early.outLines().stream().anyMatch(l -> l.matches("Trained 2 epoch\\(s\\) with seed 1: stopped early after"
        + " epoch 2 of 10: valid\\.classif\\.ce did not improve by more than 100\\.0 for 1 validation\\(s\\); the best was"
        + " epoch 1 \\(valid\\.classif\\.ce = [0-9.]+\\), whose weights were not kept \\(restore_best_weights=false\\)\\.")),
        early.toString());
    Dist.Result nearMiss = torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--set", "lr=0.1", "--set",
        "epochs=1", "--set", "batch_size=50");
    assertEquals(2, nearMiss.exit(), nearMiss.toString());
    assertTrue(nearMiss.err().contains("has no parameter 'lr'. Did you mean 'opt.lr'?"), nearMiss.toString());
  }

  @Test
  void learningCurvesFromATrainingRunAndFromASavedModel(@TempDir Path tmp) throws IOException {
    Path png = tmp.resolve("curves.png");
    Dist.Result r = torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "history,lr_step",
        "--set", "cb.lr_step.step_size=2", "--set", "epochs=6", "--set", "batch_size=16", "--set", "validate=0.3",
        "--set", "measures_valid=classif.acc", "--set", "seed=1", "--plot", png.toString(), "--save",
        tmp.resolve("model").toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().contains("Drew the learning curves into " + png + "."), r.toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(List.of(960, 600), List.of(image.getWidth(), image.getHeight()));

    Path svg = tmp.resolve("curves.svg");
    Dist.Result plot = torchwork("plot", "--model", tmp.resolve("model").toString(), "--out", svg.toString());
    assertEquals(0, plot.exit(), plot.toString());
    assertEquals("Drew 6 epoch(s) of " + tmp.resolve("model") + " into " + svg + ".", plot.out().strip());
    String text = Files.readString(svg);
    assertTrue(text.contains(">train.loss<") && text.contains(">valid.classif.acc<") && text.contains(">learning rate<"),
        "the legend names every curve");

    Dist.Result without = torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--set", "epochs=1", "--set",
        "batch_size=50", "--plot", tmp.resolve("none.png").toString());
    assertEquals(2, without.exit(), without.toString());
    assertEquals("error: --plot draws the history callback's table, but the run has no history callback. Add it:"
        + " --callbacks ...,history.\n", without.err());
  }

  private static final List<String> PROGRESS_RUN = List.of("train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
      "progress", "--set", "epochs=3", "--set", "batch_size=10", "--set", "validate=0.3", "--set", "measures_valid=classif.acc",
      "--set", "seed=2");

  @Test
  void progressIsOneLinePerEpochWhenNotOnATerminal() {
    Dist.Result r = torchwork(PROGRESS_RUN.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    List<String> epochs = r.outLines().stream().filter(l -> l.startsWith("Epoch ")).toList();
    assertEquals(3, epochs.size(), r.toString());
    for (int e = 1; e <= 3; e++) {
      assertTrue(epochs.get(e - 1).matches("Epoch " + e + "/3: train\\.loss \\d+\\.\\d\\d, valid\\.classif\\.acc \\d\\.\\d\\d"
          + " \\(105 samples in \\d+\\.\\d\\ds, \\d+ samples/s\\)"), epochs.get(e - 1));
    }
    assertTrue(!r.out().contains("\r") && !r.out().contains("\u001b"), "no carriage returns, no colours");
    Dist.Result quiet = torchwork(concat(PROGRESS_RUN, "--quiet"));
    assertEquals(List.of("Trained 3 epoch(s) with seed 2: all 3 epochs done."), quiet.outLines(), quiet.toString());
  }

  @Test
  void onATerminalABarWithThroughputAndTimesThenEachEpochOnItsOwnLine() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script (util-linux) gives the command a terminal");
    String command = Dist.REPO.resolve("bin/torchwork") + " " + String.join(" ", PROGRESS_RUN);
    Dist.Result live = Dist.run(List.of("script", "-qec", command, "/dev/null"), Map.of("TORCHWORK_PLUGINS",
        Dist.REPO_PLUGINS.toString(), "TERM", "xterm"));
    assertEquals(0, live.exit(), live.toString());
    String screen = live.out();
    // The bar: "Epoch 1/3 100% ... 105/105 samples (0:00:00 / 0:00:00) 310 samples/s loss 1.23", elapsed and remaining.
    assertTrue(screen.contains(" samples (0:") && screen.contains("samples/s loss ") && screen.contains("Validation "), screen);
    assertTrue(screen.contains("\u001b["), "colours on a terminal");
    // Each epoch's line stands alone: after the bar's last carriage return, on a line of its own.
    for (int e = 1; e <= 3; e++) {
      int at = e;
      assertTrue(screen.lines().anyMatch(l -> l.replaceAll("^.*\r", "").matches("Epoch " + at + "/3: train\\.loss .*")), screen);
    }
    Dist.Result plain = Dist.run(List.of("script", "-qec", command, "/dev/null"), Map.of("TORCHWORK_PLUGINS",
        Dist.REPO_PLUGINS.toString(), "TERM", "xterm", "NO_COLOR", "1"));
    assertTrue(!plain.out().contains("\u001b[3"), "NO_COLOR: no colours");
    Dist.Result dumb = Dist.run(List.of("script", "-qec", command, "/dev/null"), Map.of("TORCHWORK_PLUGINS",
        Dist.REPO_PLUGINS.toString(), "TERM", "dumb"));
    assertTrue(!dumb.out().contains(" samples (0:"), "TERM=dumb: no bar");
    assertEquals(3, dumb.out().lines().filter(l -> l.startsWith("Epoch ")).count(), dumb.out());
  }

  private static String[] concat(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
