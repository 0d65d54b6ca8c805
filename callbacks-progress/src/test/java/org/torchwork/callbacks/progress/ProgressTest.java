package org.torchwork.callbacks.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

class ProgressTest {
  @Test
  void printsPlainLinesWhenNotOnATerminal() {
    Platform platform = Platform.builder().build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TorchLearner l = platform.learner("classif.mlp")) {
      l.callbacks(platform.callback("progress").with("display", "plain").with("digits", 3))
          .set("epochs", 2).set("batch_size", 64).set("seed", 1).set("validate", 0.2).set("measures_valid", "classif.acc")
          .out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
          .train(platform.task("iris"));
      List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
      String text = bytes.toString(StandardCharsets.UTF_8);
      assertEquals(2, lines.size(), "exactly one line per epoch: " + lines);
      assertTrue(!text.contains("\r") && !text.contains("\u001b"), "no carriage returns, no colours");
      for (int e = 1; e <= 2; e++) {
        assertTrue(lines.get(e - 1).matches("Epoch " + e + "/2: train\\.loss \\d\\.\\d{3}, valid\\.classif\\.acc \\d\\.\\d{3}"
            + " \\(120 samples in \\d+\\.\\d{2}s, \\d+ samples/s\\)"), lines.get(e - 1));
      }
      assertTrue(((Double) l.model().callbacks().get("progress")) > 0, "the run's seconds");
    }
  }
}
