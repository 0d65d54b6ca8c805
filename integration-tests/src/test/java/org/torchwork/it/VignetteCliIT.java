package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's first command, run as a user runs it: bin/torchwork with the repository's plugins/. */
class VignetteCliIT {
  private static final String[] VIGNETTE = {
    "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger,history",
    "--set", "cb.custom_logger.alpha=0.05", "--set", "epochs=5", "--set", "batch_size=64", "--set", "neurons=20"
  };

  @TempDir Path tmp;

  @Test
  void theVignetteCommandPrintsFiveEpochLinesTheHistoryAndTheStates() {
    Dist.Result r = Dist.torchwork(null, VIGNETTE);
    assertVignetteOutput(r, "pytorch");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void theVignetteRunsOnEachEngine(String engine) {
    List<String> args = new ArrayList<>(List.of(VIGNETTE));
    args.addAll(List.of("--engine", engine));
    assertVignetteOutput(Dist.torchwork(null, args.toArray(String[]::new)), engine);
  }

  private static void assertVignetteOutput(Dist.Result r, String engine) {
    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.outLines();
    List<String> epochs = lines.stream().filter(l -> l.startsWith("Epoch ")).toList();
    assertEquals(5, epochs.size(), r.toString());
    for (int i = 0; i < 5; i++) {
      assertTrue(epochs.get(i).matches("Epoch " + (i + 1) + ": \\d+\\.\\d\\d"), epochs.get(i));
    }
    assertTrue(lines.get(0).startsWith("Training classif.mlp on task iris (150 rows, 4 features): engine " + engine + " ("), lines.get(0));
    int states = lines.indexOf("Callback states (model.callbacks):");
    assertTrue(states > 0, r.toString());
    assertTrue(lines.get(states + 1).matches("custom_logger: \\d+\\.\\d+"), lines.get(states + 1));
    assertEquals("history: 5 row(s)", lines.get(states + 2));
    assertTrue(lines.get(states + 3).matches("\\s+epoch\\s+lr\\s+train\\.loss"), lines.get(states + 3));
    for (int i = 1; i <= 5; i++) {
      assertTrue(lines.get(states + 3 + i).matches("\\s+" + i + "\\s+0\\.001\\s+\\d+\\.\\d+"), lines.get(states + 3 + i));
    }
    assertEquals("", r.err(), "nothing on standard error: DJL's start-up messages stay out of the user's terminal");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void theCustomLoggerPrintsTheRealMovingAverageOfTheBatchLosses(String engine) throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    PluginJars.build("recorder", true, plugins.resolve("recorder.jar"));
    Path record = tmp.resolve("record.txt");
    List<String> args = new ArrayList<>(List.of(VIGNETTE));
    args.set(6, "custom_logger,history,recorder");
    args.addAll(List.of("--set", "cb.recorder.path=" + record, "--set", "seed=5", "--engine", engine));
    Dist.Result r = Dist.torchwork(plugins, args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());

    Pattern loss = Pattern.compile("recorder on_batch_end epoch=(\\d+) step=\\d+ loss=(\\S+)");
    List<String> expected = new ArrayList<>();
    Double avg = null;
    int epoch = 1;
    for (String line : Files.readAllLines(record)) {
      Matcher m = loss.matcher(line);
      if (m.matches()) {
        double l = Double.parseDouble(m.group(2));
        avg = avg == null ? l : 0.05 * l + 0.95 * avg;
      } else if (line.startsWith("recorder on_before_valid")) {
        expected.add(String.format(Locale.ROOT, "Epoch %d: %.2f", epoch++, avg));
      }
    }
    assertEquals(expected, r.outLines().stream().filter(l -> l.startsWith("Epoch ")).toList());
    String state = new BigDecimal(avg).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    assertTrue(r.outLines().contains("custom_logger: " + state), r.toString());
  }
}
