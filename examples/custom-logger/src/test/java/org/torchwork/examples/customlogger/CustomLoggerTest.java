package org.torchwork.examples.customlogger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;
import org.torchwork.testkit.TestKit;

/** Runs the vignette's scenario for real with the test kit and checks the average against the batch losses. */
class CustomLoggerTest {
  /** Records every batch's loss, and where each epoch ends. */
  static final class LossTap extends CallbackSet {
    static final List<Double> LOSSES = Collections.synchronizedList(new ArrayList<>());
    static final List<Integer> EPOCH_ENDS = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onBatchEnd(Context ctx) {
      LOSSES.add(ctx.lastLoss());
    }

    @Override
    public void onEpochEnd(Context ctx) {
      EPOCH_ENDS.add(LOSSES.size());
    }
  }

  @Test
  void printsTheExponentialMovingAverageOfTheTrainingLoss() {
    LossTap.LOSSES.clear();
    LossTap.EPOCH_ENDS.clear();
    try (TestKit.Result r = TestKit.callback(CustomLoggerProvider.CUSTOM_LOGGER)
        .set("alpha", 0.05)
        .param("epochs", 5).param("batch_size", 64).param("neurons", 20).param("seed", 11)
        .with(TorchCallback.of("tap", LossTap.class, LossTap::new))
        .run()) {
      double alpha = 0.05;
      Double avg = null;
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < LossTap.LOSSES.size(); i++) {
        double loss = LossTap.LOSSES.get(i);
        avg = avg == null ? loss : alpha * loss + (1 - alpha) * avg;
        if (LossTap.EPOCH_ENDS.contains(i + 1)) {
          expected.add(String.format(Locale.ROOT, "Epoch %d: %.2f", expected.size() + 1, avg));
        }
      }
      assertEquals(expected, r.lines());
      assertEquals(avg, (Double) r.state(), 1e-12);
      assertNotEquals(LossTap.LOSSES.get(LossTap.LOSSES.size() - 1), avg, "the state is the average, not the last loss");
      assertEquals(15, r.count(Stage.ON_BATCH_END), "150 rows in batches of 64: 3 per epoch");
      assertEquals(5, r.count(Stage.ON_BEFORE_VALID));
    }
  }

  @Test
  void rejectsAnAlphaOutsideZeroToOne() {
    try (TestKit.Result r = TestKit.callback(CustomLoggerProvider.CUSTOM_LOGGER).set("alpha", 1.5).run()) {
      assertEquals(
          "Parameter 'cb.custom_logger.alpha': 1.5 is out of range. It must be a number in [0, 1], e.g. cb.custom_logger.alpha=0.1.",
          r.failure().orElseThrow().getMessage());
      assertEquals(List.of(), r.stages());
    }
  }

  @Test
  void isFoundByIdAndItsStateSurvivesASaveAndAResume() {
    assertEquals(CustomLoggerProvider.CUSTOM_LOGGER.id(), TestKit.assertDiscoverable("custom_logger").id());
    Object state = TestKit.callback(CustomLoggerProvider.CUSTOM_LOGGER).set("alpha", 0.05).assertStateRoundTrip();
    assertEquals(Double.class, state.getClass());
  }
}
