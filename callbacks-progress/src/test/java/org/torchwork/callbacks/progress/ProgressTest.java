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
      assertEquals(4, lines.size(), lines.toString());
      assertTrue(lines.get(0).matches("Epoch 1/2: 2/2 batches, loss \\d\\.\\d{3}, \\d+\\.\\d{2}s"), lines.get(0));
      assertTrue(lines.get(1).matches("\\[epoch 1] train\\.loss \\d\\.\\d{3}, valid\\.classif\\.acc \\d\\.\\d{3}"), lines.get(1));
      assertTrue(lines.get(2).startsWith("Epoch 2/2: 2/2 batches"), lines.get(2));
      assertTrue(((Double) l.model().callbacks().get("progress")) > 0, "the run's seconds");
    }
  }
}
