package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Splits;

class ScheduleAndEarlyStoppingTest {
  private static final Platform PLATFORM = Platform.builder().build();

  static final class EndOnly extends CallbackSet {
    @Override
    public void onEpochEnd(Context ctx) {}
  }

  static final class BeginAndEnd extends CallbackSet {
    @Override
    public void onBegin(Context ctx) {}

    @Override
    public void onEpochEnd(Context ctx) {}
  }

  @Test
  void theScheduleListsEachStagesCallbacksInWeightThenGivenOrder() {
    TorchCallback a = TorchCallback.builder("a", EndOnly.class).weight(5).build(p -> new EndOnly());
    TorchCallback b = TorchCallback.builder("b", BeginAndEnd.class).build(p -> new BeginAndEnd());
    TorchCallback c = TorchCallback.builder("c", EndOnly.class).build(p -> new EndOnly());
    Schedule s = Schedule.of(List.of(a, b, c));
    assertEquals(List.of(new Schedule.Entry("b", 0)), s.stage(Stage.ON_BEGIN));
    assertEquals(List.of(new Schedule.Entry("b", 0), new Schedule.Entry("c", 0), new Schedule.Entry("a", 5)),
        s.stage(Stage.ON_EPOCH_END));
    assertEquals(List.of(), s.stage(Stage.ON_BATCH_END));
    assertTrue(s.toString().contains("on_epoch_end:         b (0), c (0), a (5)\n"), s.toString());
  }

  @Test
  void theLearnersScheduleIncludesEarlyStopping() {
    TorchCallback scores = TorchCallback.of("scores", Scores.class, Scores::new);
    TorchLearner l = PLATFORM.learner("classif.mlp").callbacks(scores).set("patience", 2);
    assertEquals(List.of(new Schedule.Entry("scores", 0), new Schedule.Entry("early_stopping", 1000)),
        l.schedule().stage(Stage.ON_VALID_END));
  }

  /** Records the validation score per epoch. */
  static final class Scores extends CallbackSet {
    static final List<Double> SEEN = new ArrayList<>();

    @Override
    public void onValidEnd(Context ctx) {
      SEEN.add(ctx.lastScoresValid().get("classif.ce"));
    }
  }

  @Test
  void earlyStoppingStopsAfterPatienceRoundsWithoutImprovementAndKeepsItsState() {
    Scores.SEEN.clear();
    try (TorchLearner l = PLATFORM.learner("classif.mlp")
        .callbacks(TorchCallback.of("scores", Scores.class, Scores::new))
        .set("epochs", 60).set("batch_size", 16).set("neurons", 8).set("seed", 3).set("opt.lr", 0.05)
        .set("validate", 0.3).set("measures_valid", "classif.ce").set("patience", 3).set("min_delta", 0.5)) {
      l.train(PLATFORM.task("iris"));
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) l.model().callbacks().get("early_stopping");
      assertEquals(3, state.get("stagnation"));
      int best = (Integer) state.get("best_epoch");
      assertEquals(best + 3, l.model().epochs(), "stops three validations after the best");
      assertTrue(l.model().epochs() < 60);
      assertEquals(Scores.SEEN.get(best - 1), (Double) state.get("best_score"));
    }
  }

  @Test
  void restoreBestWeightsEndsWithTheBestEpochsWeights() {
    try (TorchLearner l = PLATFORM.learner("classif.mlp")
        .set("epochs", 40).set("batch_size", 16).set("neurons", 8).set("seed", 5).set("opt.lr", 0.05).set("dropout", 0.0)
        .set("validate", 0.3).set("measures_valid", "classif.ce").set("patience", 2).set("min_delta", 0.3)
        .set("restore_best_weights", true)) {
      l.train(PLATFORM.task("iris"));
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) l.model().callbacks().get("early_stopping");
      // The validation rows are a fixed subset (seed 5); with the best weights restored, the model
      // scores the best score on them again.
      assertTrue((Integer) state.get("best_epoch") < l.model().epochs(), "the best epoch is not the last: " + state);
      int[] split = Splits.holdout(150, 0.3, 5)[1];
      org.torchwork.api.Task valid = PLATFORM.task("iris").subset("valid", split);
      double ce = l.predict(valid).score(PLATFORM.measure("classif.ce"));
      assertEquals((Double) state.get("best_score"), ce, 1e-12);
    }
  }

  @Test
  void earlyStoppingNeedsAValidationMeasure() {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 2).set("batch_size", 16).set("patience", 2);
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(PLATFORM.task("iris")));
    assertEquals("Early stopping (patience=2) watches the first validation measure unless monitor is set, but the learner has"
        + " no validation data. Set validate=<ratio> (or give validation data) and measures_valid=<measure>, e.g. validate=0.3"
        + " measures_valid=classif.ce; or monitor another quantity, e.g. monitor=train.loss.", e.getMessage());
  }
}
