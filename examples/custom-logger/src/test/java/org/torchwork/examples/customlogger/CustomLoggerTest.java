package org.torchwork.examples.customlogger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/** Runs the vignette's scenario for real and checks the average against the batch losses. */
class CustomLoggerTest {
  /** Records every batch's loss and, per epoch, how many batches came before. */
  static final class LossTap extends CallbackSet {
    final List<Double> losses = new ArrayList<>();
    final List<Integer> batchesAtEpochEnd = new ArrayList<>();

    @Override
    public void onBatchEnd(Context ctx) {
      losses.add(ctx.lastLoss());
    }

    @Override
    public void onEpochEnd(Context ctx) {
      batchesAtEpochEnd.add(losses.size());
    }
  }

  @Test
  void printsTheExponentialMovingAverageOfTheTrainingLoss() {
    LossTap tap = new LossTap();
    Platform platform =
        Platform.builder().callback(TorchCallback.of("tap", LossTap.class, () -> tap)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TorchLearner mlp = platform.learner("classif.mlp")) {
      mlp.callbacks("custom_logger", "tap")
          .set("cb.custom_logger.alpha", 0.05).set("epochs", 5).set("batch_size", 64).set("neurons", 20).set("seed", 11)
          .out(new PrintStream(out, true, StandardCharsets.UTF_8))
          .train(platform.task("iris"));

      double alpha = 0.05;
      Double avg = null;
      List<String> expected = new ArrayList<>();
      int epoch = 0;
      for (int i = 0; i < tap.losses.size(); i++) {
        double loss = tap.losses.get(i);
        avg = avg == null ? loss : alpha * loss + (1 - alpha) * avg;
        if (tap.batchesAtEpochEnd.contains(i + 1)) {
          expected.add(String.format(Locale.ROOT, "Epoch %d: %.2f", ++epoch, avg));
        }
      }
      assertEquals(expected, out.toString(StandardCharsets.UTF_8).lines().toList());
      assertEquals(avg, (Double) mlp.model().callbacks().get("custom_logger"), 1e-12);
      assertNotEquals(tap.losses.get(tap.losses.size() - 1), avg, "the state is the average, not the last batch's loss");
    }
  }
}
