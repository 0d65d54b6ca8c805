package org.torchwork.examples.resmlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchwork.runtime.Platform;
import org.torchwork.testkit.TestKit;

/** Trains the learner for real, through the test kit, with the built-in history callback. */
class ResMlpTest {
  @Test
  void learnsIrisAndWorksWithTheLoopsCallbacks() {
    Platform platform = Platform.builder().build();
    try (TestKit.Result r = TestKit.learner("classif.res_mlp")
        .param("epochs", 20).param("batch_size", 16).param("opt.lr", 0.01).param("seed", 2)
        .param("measures_train", "classif.acc")
        .with(platform.callback("history"))
        .run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> history = (List<Map<String, Object>>) r.model().callbacks().get("history");
      assertEquals(20, history.size());
      double first = (Double) history.get(0).get("train.loss");
      double last = (Double) history.get(19).get("train.loss");
      assertTrue(last < first / 2, "the loss falls: " + first + " -> " + last);
      double acc = r.learner().predict(platform.task("iris")).score(platform.measure("classif.acc"));
      assertTrue(acc > 0.8, "far above the 1/3 of guessing: accuracy " + acc);
    }
  }

  @Test
  void itsParametersAreCheckedLikeAnyLearners() {
    try (TestKit.Result r = TestKit.learner("classif.res_mlp").param("n_blocks", 0).run()) {
      assertEquals("Parameter 'n_blocks': 0 is out of range. It must be an integer >= 1, e.g. n_blocks=2.",
          r.failure().orElseThrow().getMessage());
    }
  }
}
