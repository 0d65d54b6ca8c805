package org.torchwork.callbacks.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

class HistoryTest {
  @Test
  void recordsTheTrainLossAndEveryScorePerEpoch() {
    Platform platform = Platform.builder().build();
    try (TorchLearner l = platform.learner("classif.mlp")) {
      l.callbacks("history")
          .set("epochs", 3).set("batch_size", 32).set("neurons", 8).set("seed", 3)
          .set("validate", 0.2).set("eval_freq", 2)
          .set("measures_train", "classif.acc").set("measures_valid", "classif.acc,classif.ce")
          .train(platform.task("iris"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rows = (List<Map<String, Object>>) l.model().callbacks().get("history");
      assertEquals(3, rows.size());
      assertEquals(List.of("epoch", "lr", "train.loss", "train.classif.acc", "valid.classif.acc", "valid.classif.ce"), List.copyOf(rows.get(0).keySet()));
      assertEquals(List.of(1, 2, 3), rows.stream().map(r -> r.get("epoch")).toList());
      assertNull(rows.get(0).get("valid.classif.acc"), "epoch 1 does not validate with eval_freq 2");
      assertNull(rows.get(0).get("train.classif.acc"), "nor score its training predictions");
      for (Map<String, Object> row : rows.subList(1, 3)) {
        assertTrue((Double) row.get("train.loss") > 0);
        double acc = (Double) row.get("train.classif.acc");
        assertTrue(acc >= 0 && acc <= 1);
      }
      double validAcc = (Double) rows.get(1).get("valid.classif.acc");
      assertEquals(1 - validAcc, (Double) rows.get(1).get("valid.classif.ce"), 1e-12);
    }
  }

  @Test
  void itsStateRoundTrips() {
    History h = new History();
    List<Map<String, Object>> table = List.of(Map.of("epoch", 1, "train.loss", 0.5));
    h.loadStateDict(table);
    assertEquals(table, h.stateDict());
  }
}
