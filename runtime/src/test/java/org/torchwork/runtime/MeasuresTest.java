package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchwork.api.Prediction;
import org.torchwork.api.TorchworkException;

class MeasuresTest {
  private final Platform platform = Platform.builder().build();

  private double score(String id, Prediction p) {
    return p.score(platform.measure(id));
  }

  @Test
  void classificationMeasures() {
    // Row 0: truth a, predicts a (0.7); row 1: truth b, predicts a (0.6); row 2: truth b, predicts b (0.9).
    Prediction p = Prediction.classif(
        List.of("a", "b"), new float[] {0, 1, 1}, new float[] {0.7f, 0.3f, 0.6f, 0.4f, 0.1f, 0.9f});
    assertEquals(2.0 / 3, score("classif.acc", p), 1e-12);
    assertEquals(1.0 / 3, score("classif.ce", p), 1e-12);
    assertEquals(-(Math.log(0.7) + Math.log(0.4) + Math.log(0.9)) / 3, score("classif.logloss", p), 1e-6);
  }

  @Test
  void regressionMeasures() {
    Prediction p = Prediction.regr(new float[] {1, 2, 3}, new float[] {1, 4, 2});
    assertEquals(5.0 / 3, score("regr.mse", p), 1e-12);
    assertEquals(Math.sqrt(5.0 / 3), score("regr.rmse", p), 1e-12);
    assertEquals(1.0, score("regr.mae", p), 1e-12);
  }

  @Test
  void aMeasureOfTheWrongTypeIsRefused() {
    Prediction p = Prediction.regr(new float[] {1}, new float[] {1});
    TorchworkException e = assertThrows(TorchworkException.class, () -> score("classif.acc", p));
    assertEquals(
        "Measure 'classif.acc' is for classif tasks and cannot score a regr prediction. Use a regr.* measure.", e.getMessage());
  }
}
