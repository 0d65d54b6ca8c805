package org.torchwork.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;

/**
 * Every built-in loss against values worked out by hand, and the batch's reduction (mean, weighted
 * mean) with its gradient, on both engines. The losses come from the platform, found as a plugin's
 * would be.
 */
class LossFormulasTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final double LN2 = Math.log(2);
  private static final double LN3 = Math.log(3);
  private static final double LN5 = Math.log(5);

  private NDManager manager;

  private NDManager manager(String engine) {
    Engine e = PLATFORM.backends().get(engine).engine();
    manager = e.newBaseManager();
    return manager;
  }

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  /**
   * Two rows of three classes. Row 0: logits (0, ln 2, 0), softmax (1/4, 1/2, 1/4), class 1. Row 1:
   * logits (ln 3, 0, 0), softmax (3/5, 1/5, 1/5), class 2.
   */
  private static NDList classification(NDManager m) {
    NDArray output = m.create(new float[] {0, (float) LN2, 0, (float) LN3, 0, 0}, new Shape(2, 3));
    NDArray target = m.create(new float[] {1, 2});
    return new NDList(output, target);
  }

  /** Three rows: outputs 1.5, -1, 3 against targets 1, 1, 0.5, so d = output - target = 0.5, -2, 2.5. */
  private static NDList regression(NDManager m) {
    NDArray output = m.create(new float[] {1.5f, -1, 3}, new Shape(3, 1));
    NDArray target = m.create(new float[] {1, 1, 0.5f}, new Shape(3, 1));
    return new NDList(output, target);
  }

  private static float[] rows(String id, NDList batch, Map<String, ?> values) {
    TorchLoss loss = PLATFORM.loss(id);
    return loss.rows(batch.get(0), batch.get(1), loss.resolve(values)).toFloatArray();
  }

  private static void assertRows(double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5, "row " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void crossEntropyAndFocal(String engine) {
    NDList batch = classification(manager(engine));
    // -log p of the true class: -log(1/2) = ln 2, -log(1/5) = ln 5.
    assertRows(new double[] {LN2, LN5}, rows("cross_entropy", batch, Map.of()));
    // label_smoothing 0.3: 0.7 * (-log p[y]) + 0.3 * mean over the classes of -log p[k].
    // Row 0: 0.7 ln 2 + 0.3 (ln 4 + ln 2 + ln 4) / 3 = 0.7 ln 2 + 0.5 ln 2 = 1.2 ln 2.
    // Row 1: 0.7 ln 5 + 0.3 (ln 5/3 + ln 5 + ln 5) / 3 = 0.7 ln 5 + 0.1 (3 ln 5 - ln 3) = ln 5 - 0.1 ln 3.
    assertRows(new double[] {1.2 * LN2, LN5 - 0.1 * LN3}, rows("cross_entropy", batch, Map.of("label_smoothing", 0.3)));
    // focal, gamma 2: (1 - p)^2 (-log p): (1/2)^2 ln 2 = 0.25 ln 2; (4/5)^2 ln 5 = 0.64 ln 5.
    assertRows(new double[] {0.25 * LN2, 0.64 * LN5}, rows("focal", batch, Map.of()));
    // gamma 0 is cross-entropy; gamma 1: (1/2) ln 2 and (4/5) ln 5.
    assertRows(new double[] {LN2, LN5}, rows("focal", batch, Map.of("gamma", 0)));
    assertRows(new double[] {0.5 * LN2, 0.8 * LN5}, rows("focal", batch, Map.of("gamma", 1)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void focalStaysFiniteForARowClassifiedForSure(String engine) {
    NDManager m = manager(engine);
    TorchLoss focal = PLATFORM.loss("focal");
    for (double gamma : new double[] {0.5, 1.5, 2}) {
      // Logits (0, 100, 0) for class 1: p = 1 / (1 + 2 e^-100), which is 1 in floats (or just above).
      NDArray output = m.create(new float[] {0, 100, 0}, new Shape(1, 3));
      output.setRequiresGradient(true);
      NDArray rows;
      try (GradientCollector collector = m.getEngine().newGradientCollector()) {
        rows = focal.rows(output, m.create(new float[] {1}), focal.resolve(Map.of("gamma", gamma)));
        collector.backward(rows.sum());
      }
      assertEquals(0f, rows.getFloat(0), 1e-6, "gamma " + gamma);
      for (float g : output.getGradient().toFloatArray()) {
        assertTrue(Float.isFinite(g), "gamma " + gamma + ": a finite gradient, not " + g);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void regressionLosses(String engine) {
    NDList batch = regression(manager(engine));
    // d = 0.5, -2, 2.5
    assertRows(new double[] {0.25, 4, 6.25}, rows("mse", batch, Map.of()));
    assertRows(new double[] {0.5, 2, 2.5}, rows("l1", batch, Map.of()));
    // huber, delta 1: 0.5 * 0.5^2 = 0.125; 1 * (2 - 0.5) = 1.5; 1 * (2.5 - 0.5) = 2.
    assertRows(new double[] {0.125, 1.5, 2}, rows("huber", batch, Map.of()));
    // delta 2: 0.125; |d| = 2 is not below 2: 2 * (2 - 1) = 2; 2 * (2.5 - 1) = 3.
    assertRows(new double[] {0.125, 2, 3}, rows("huber", batch, Map.of("delta", 2)));
    // smooth_l1, beta 1: huber with delta 1, divided by 1.
    assertRows(new double[] {0.125, 1.5, 2}, rows("smooth_l1", batch, Map.of()));
    // beta 4: every |d| is below 4: 0.5 d^2 / 4 = 0.03125, 0.5, 0.78125.
    assertRows(new double[] {0.03125, 0.5, 0.78125}, rows("smooth_l1", batch, Map.of("beta", 4)));
    // beta 0 is l1.
    assertRows(new double[] {0.5, 2, 2.5}, rows("smooth_l1", batch, Map.of("beta", 0)));
    // poisson: exp(output) - target * output: e^1.5 - 1.5, e^-1 + 1, e^3 - 0.5 * 3.
    assertRows(new double[] {Math.exp(1.5) - 1.5, Math.exp(-1) + 1, Math.exp(3) - 1.5}, rows("poisson", batch, Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aBatchIsTheMeanOrTheWeightedMeanOfItsRowsAndSoIsItsGradient(String engine) {
    NDManager m = manager(engine);
    NDList batch = regression(m);
    NDArray output = batch.get(0);
    NDArray weights = m.create(new float[] {2, 0, 1});
    Loss loss = RowLoss.of(PLATFORM.loss("mse"), PLATFORM.loss("mse").resolve(Map.of()), true);
    output.setRequiresGradient(true);
    NDArray value;
    try (GradientCollector collector = m.getEngine().newGradientCollector()) {
      value = loss.evaluate(new NDList(batch.get(1), weights), new NDList(output));
      collector.backward(value);
    }
    // (2 * 0.25 + 0 * 4 + 1 * 6.25) / (2 + 0 + 1) = 6.75 / 3 = 2.25
    assertEquals(2.25, value.getFloat(), 1e-5);
    // d/d output_i = w_i * 2 d_i / 3: 2 * 2 * 0.5 / 3, 0 (weight 0), 1 * 2 * 2.5 / 3
    assertRows(new double[] {2.0 / 3, 0, 5.0 / 3}, output.getGradient().toFloatArray());
    // Without weights in the labels, the same loss is the mean: (0.25 + 4 + 6.25) / 3 = 3.5.
    assertEquals(3.5, loss.evaluate(new NDList(batch.get(1)), new NDList(output)).getFloat(), 1e-5);
    // A batch whose rows all weigh 0 has loss 0, not 0/0.
    NDArray none = m.zeros(new Shape(3));
    assertEquals(0f, loss.evaluate(new NDList(batch.get(1), none), new NDList(output)).getFloat());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void weightedCrossEntropyWeighsItsRows(String engine) {
    NDList batch = classification(manager(engine));
    TorchLoss ce = PLATFORM.loss("cross_entropy");
    Loss loss = RowLoss.of(ce, ce.resolve(Map.of()), true);
    NDArray weights = manager.create(new float[] {3, 1});
    // (3 ln 2 + 1 ln 5) / 4
    assertEquals((3 * LN2 + LN5) / 4, loss.evaluate(new NDList(batch.get(1), weights), new NDList(batch.get(0))).getFloat(), 1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void unweightedDefaultsAreDjlsOwnLossesAsBefore(String engine) {
    TorchLoss ce = PLATFORM.loss("cross_entropy");
    TorchLoss mse = PLATFORM.loss("mse");
    assertInstanceOf(SoftmaxCrossEntropyLoss.class, RowLoss.of(ce, ce.resolve(Map.of()), false));
    assertInstanceOf(L2Loss.class, RowLoss.of(mse, mse.resolve(Map.of()), false));
    assertInstanceOf(RowLoss.class, RowLoss.of(ce, ce.resolve(Map.of("label_smoothing", 0.1)), false));
    assertInstanceOf(RowLoss.class, RowLoss.of(ce, ce.resolve(Map.of()), true));
    assertInstanceOf(RowLoss.class, RowLoss.of(mse, mse.resolve(Map.of()), true));
    // And the rows' mean is what they compute: ln 10 / 2 and 3.5.
    NDManager m = manager(engine);
    NDList c = classification(m);
    assertEquals((LN2 + LN5) / 2, RowLoss.of(ce, ce.resolve(Map.of()), false).evaluate(new NDList(c.get(1)), new NDList(c.get(0)))
        .getFloat(), 1e-5);
    NDList r = regression(m);
    assertEquals(3.5, RowLoss.of(mse, mse.resolve(Map.of()), false).evaluate(new NDList(r.get(1)), new NDList(r.get(0))).getFloat(),
        1e-5);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aFormulaThatGivesAnotherShapeIsReportedWithTheLoss(String engine) {
    NDList batch = regression(manager(engine));
    TorchLoss column = TorchLoss.builder("column", TaskType.REGR).build((output, target, p) -> output.sub(target).square());
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> column.rows(batch.get(0), batch.get(1), column.resolve(Map.of())));
    assertEquals("Loss 'column' gave shape (3, 1) for a batch of 3 rows; a loss's formula gives one value per row, shape (3)."
        + " Reduce the other axes, e.g. with .sum(new int[] {1}) or .squeeze(1).", e.getMessage());
    TorchLoss failing = TorchLoss.builder("failing", TaskType.REGR).build((output, target, p) -> {
      throw new IllegalStateException("no");
    });
    e = assertThrows(TorchworkException.class, () -> failing.rows(batch.get(0), batch.get(1), failing.resolve(Map.of())));
    assertTrue(e.getMessage().startsWith("Loss 'failing' failed on a batch of output (3, 1) and target (3, 1) with no parameters:"
        + " java.lang.IllegalStateException: no."), e.getMessage());
  }
}
