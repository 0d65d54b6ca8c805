package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stage contract, end to end: a recording callback, built by the test and loaded from a
 * plugins directory, sees the exact sequence of stages through the torchwork command, on each
 * engine.
 */
class StageOrderIT {
  @TempDir static Path tmp;
  static Path plugins;

  @BeforeAll
  static void buildRecorder() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.build("recorder", true, plugins.resolve("recorder.jar"));
  }

  /** Trains iris (150 rows) with both recorders and returns "id stage" per recorded line. */
  private static List<String> record(String engine, String name, int expectedExit, String... settings) throws IOException {
    Path file = tmp.resolve(engine + "-" + name + ".txt");
    List<String> args = new ArrayList<>(List.of(
        "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "recorder,recorder_first", "--engine", engine,
        "--set", "batch_size=64", "--set", "neurons=8", "--set", "seed=1",
        "--set", "cb.recorder.path=" + file, "--set", "cb.recorder_first.path=" + file));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    Dist.Result r = Dist.torchwork(plugins, args.toArray(String[]::new));
    assertEquals(expectedExit, r.exit(), r.toString());
    return Files.readAllLines(file).stream()
        .map(l -> l.split(" ")[0] + " " + l.split(" ")[1] + (l.contains("failure=") ? " " + l.substring(l.indexOf("failure=")) : ""))
        .collect(Collectors.toList());
  }

  /** The sequence for one run, each stage seen by recorder_first (weight -10) before recorder. */
  private static List<String> expected(int epochs, int trainBatches, int validBatches, boolean validates, boolean normalEnd) {
    List<String> stages = new ArrayList<>();
    stages.add("on_begin");
    for (int e = 0; e < epochs; e++) {
      stages.add("on_epoch_begin");
      for (int b = 0; b < trainBatches; b++) {
        stages.addAll(List.of("on_batch_begin", "on_after_backward", "on_batch_end"));
      }
      stages.add("on_before_valid");
      if (validates) {
        for (int b = 0; b < validBatches; b++) {
          stages.addAll(List.of("on_batch_valid_begin", "on_batch_valid_end"));
        }
        stages.add("on_valid_end");
      }
      stages.add("on_epoch_end");
    }
    if (normalEnd) {
      stages.add("on_end");
    }
    List<String> out = new ArrayList<>();
    for (String stage : stages) {
      out.add("recorder_first " + stage);
      out.add("recorder " + stage);
    }
    out.add("recorder_first on_exit failure=none");
    out.add("recorder on_exit failure=none");
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void withoutValidation(String engine) throws IOException {
    // 150 rows in batches of 64: 3 batches per epoch.
    assertEquals(expected(2, 3, 0, false, true), record(engine, "plain", 0, "epochs=2"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void withValidation(String engine) throws IOException {
    // validate=0.2 holds out 30 rows (1 batch) and trains on 120 (2 batches).
    assertEquals(expected(2, 2, 1, true, true), record(engine, "valid", 0, "epochs=2", "validate=0.2"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void withTerminate(String engine) throws IOException {
    // Terminating in epoch 2 of 5 finishes epoch 2, then ends normally.
    assertEquals(expected(2, 3, 0, false, true), record(engine, "terminate", 0, "epochs=5", "cb.recorder.terminate_at=on_batch_begin@2"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void withACallbackThatThrows(String engine) throws IOException {
    // recorder throws in on_batch_end of the 2nd batch: recorder_first already ran that stage;
    // no later stage runs but on_exit, for both, and both see the failure.
    List<String> expected = new ArrayList<>(expected(1, 2, 0, false, false).subList(0, 2 + 2 + 3 * 2 * 2));
    expected.add("recorder_first on_exit failure=CallbackException");
    expected.add("recorder on_exit failure=CallbackException");
    List<String> seen = record(engine, "throws", 1, "epochs=2", "cb.recorder.fail_at=on_batch_end@2");
    assertEquals(expected, seen);
  }

  @Test
  void theFailureNamesTheCallbackAndStage() throws IOException {
    Path file = tmp.resolve("message.txt");
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "recorder",
        "--set", "epochs=1", "--set", "batch_size=64", "--set", "cb.recorder.path=" + file, "--set", "cb.recorder.fail_at=on_after_backward@1");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Callback 'recorder' failed in on_after_backward: java.lang.IllegalStateException:"
        + " recorder asked to fail at on_after_backward@1. The run was stopped; on_exit ran for every callback."), r.err());
  }
}
