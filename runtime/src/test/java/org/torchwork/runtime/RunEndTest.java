package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;

/** A run says how it ended, and the trained model, saved and loaded, keeps it. */
class RunEndTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");
  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private TorchLearner learner(int epochs) {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", epochs).set("batch_size", 50).set("seed", 3);
    open.add(l);
    return l;
  }

  /** Stops the run after epoch 2, saying why. */
  static final class Stopper extends CallbackSet {
    @Override
    public void onEpochEnd(Context ctx) {
      if (ctx.epoch() == 2) {
        ctx.terminate("enough for a demonstration");
      }
    }
  }

  @Test
  void allEpochsDone() {
    RunEnd end = learner(2).train(IRIS).model().end().orElseThrow();
    assertEquals(new RunEnd(RunEnd.COMPLETED, 2, 2, null, null, null), end);
    assertEquals("all 2 epochs done", end.describe());
  }

  @Test
  void terminatedByACallbackWithItsStageAndReasonAndKeptInTheSavedModel() {
    TorchLearner l = learner(5).callbacks(TorchCallback.of("stopper", Stopper.class, Stopper::new)).train(IRIS);
    RunEnd end = l.model().end().orElseThrow();
    assertEquals(new RunEnd(RunEnd.TERMINATED, 2, 5, "stopper", "on_epoch_end", "enough for a demonstration"), end);
    assertEquals("terminated after epoch 2 of 5 by callback 'stopper' in on_epoch_end: enough for a demonstration",
        end.describe());
    l.model().save(tmp.resolve("model"), false);
    try (TrainedModel loaded = TrainedModel.load(tmp.resolve("model"))) {
      assertEquals(end, loaded.end().orElseThrow());
    }
  }

  @Test
  void earlyStoppingNamesTheMeasureTheBestEpochAndWhetherItsWeightsWereRestored() {
    TorchLearner l = learner(10).set("validate", 0.3).set("measures_valid", "classif.ce").set("patience", 1)
        .set("min_delta", 100).set("restore_best_weights", true).train(IRIS);
    RunEnd end = l.model().end().orElseThrow();
    assertEquals(RunEnd.EARLY_STOPPING, end.kind());
    assertEquals(2, end.epoch());
    assertEquals("early_stopping", end.callback());
    assertEquals("on_valid_end", end.stage());
    assertTrue(end.describe().matches("stopped early after epoch 2 of 10: valid\\.classif\\.ce did not improve by more than"
        + " 100\\.0 for 1 validation\\(s\\); the best was epoch 1 \\(valid\\.classif\\.ce = [0-9.]+\\), whose weights were"
        + " restored"), end.describe());
  }
}
