package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;

/**
 * Every built-in loss trains weighted rows on both engines: each batch's loss is the weighted mean of
 * the loss's formula over the batch's rows, worked out here in Java from the network's output, the
 * targets and the weights the batch holds, with the loss's parameter as set; and it falls as the
 * network learns.
 */
class LossTrainingTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  /** 40 rows of counts: y = floor(exp(0.5 x1 + 0.2 x2)), weights 1, 2, 3, 4 in turn. */
  private static Task counts() {
    float[] x = new float[80];
    float[] y = new float[40];
    float[] w = new float[40];
    for (int i = 0; i < 40; i++) {
      x[2 * i] = i / 10f;
      x[2 * i + 1] = (i % 7) / 3f;
      y[i] = (float) Math.floor(Math.exp(0.5 * x[2 * i] + 0.2 * x[2 * i + 1]));
      w[i] = 1 + i % 4;
    }
    return Task.regr("counts", "y", List.of("x1", "x2"), x, y).withWeights(w);
  }

  /** Iris with weights 1, 2, 3 in turn. */
  private static Task iris() {
    Task iris = PLATFORM.task("iris");
    float[] w = new float[iris.nrow()];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + i % 3;
    }
    return iris.withWeights(w);
  }

  /** Compares each batch's loss with the one worked out from what the batch and the output hold. */
  public static final class Check extends CallbackSet {
    private final String loss;
    private final double param;
    final List<Double> epochLosses = new ArrayList<>();
    int checked;

    Check(String loss, double param) {
      this.loss = loss;
      this.param = param;
    }

    @Override
    public void onAfterBackward(Context ctx) {
      NDList labels = ctx.batch().getLabels();
      float[] out = ctx.yHat().singletonOrThrow().toFloatArray();
      float[] target = labels.get(0).toFloatArray();
      float[] w = labels.get(1).toFloatArray();
      int k = out.length / target.length;
      double sum = 0;
      double weights = 0;
      for (int i = 0; i < target.length; i++) {
        sum += w[i] * row(out, k, i, target[i]);
        weights += w[i];
      }
      double expected = sum / weights;
      assertEquals(expected, ctx.lastLoss(), 2e-5 * (1 + Math.abs(expected)), loss + ", batch " + ctx.step());
      checked++;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      epochLosses.add(ctx.trainLoss());
    }

    /** Row i's loss, as PyTorch defines each. */
    private double row(float[] out, int k, int i, float target) {
      if (k > 1) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          max = Math.max(max, out[i * k + c]);
        }
        double sumExp = 0;
        for (int c = 0; c < k; c++) {
          sumExp += Math.exp(out[i * k + c] - max);
        }
        double logSumExp = max + Math.log(sumExp);
        double logP = out[i * k + (int) target] - logSumExp;
        if (loss.equals("focal")) {
          return -Math.pow(1 - Math.exp(logP), param) * logP;
        }
        double meanNegLogP = 0;
        for (int c = 0; c < k; c++) {
          meanNegLogP += (logSumExp - out[i * k + c]) / k;
        }
        return (1 - param) * -logP + param * meanNegLogP;
      }
      double o = out[i];
      double d = o - target;
      double a = Math.abs(d);
      switch (loss) {
        case "mse":
          return d * d;
        case "l1":
          return a;
        case "huber":
          return a < param ? 0.5 * d * d : param * (a - 0.5 * param);
        case "smooth_l1":
          return a < param ? 0.5 * d * d / param : a - 0.5 * param;
        case "poisson":
          return Math.exp(o) - target * o;
        default:
          throw new AssertionError(loss);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "pytorch, cross_entropy, label_smoothing, 0.1", "mxnet, cross_entropy, label_smoothing, 0.1",
    "pytorch, focal, gamma, 1.5", "mxnet, focal, gamma, 1.5",
    "pytorch, mse, -, 0", "mxnet, mse, -, 0",
    "pytorch, l1, -, 0", "mxnet, l1, -, 0",
    "pytorch, huber, delta, 0.5", "mxnet, huber, delta, 0.5",
    "pytorch, smooth_l1, beta, 0.5", "mxnet, smooth_l1, beta, 0.5",
    "pytorch, poisson, -, 0", "mxnet, poisson, -, 0"
  })
  void eachLossTrainsTheWeightedMeanOfItsRows(String engine, String loss, String param, double value) {
    boolean classif = PLATFORM.loss(loss).appliesTo(TaskType.CLASSIF);
    Check check = new Check(loss, value);
    TorchLearner l = PLATFORM.learner(classif ? "classif.mlp" : "regr.mlp").set("engine", engine).set("epochs", 6)
        .set("batch_size", 16).set("neurons", 8).set("dropout", 0.0).set("seed", 5).set("opt.lr", 0.02).set("loss", loss)
        .callbacks(TorchCallback.of("check", Check.class, () -> check));
    if (!param.equals("-")) {
      l.set("loss." + param, value);
    }
    learners.add(l);
    l.train(classif ? iris() : counts());
    assertEquals(6 * (classif ? 10 : 3), check.checked, "every batch checked");
    assertEquals(loss, l.model().params().get("loss"), "the model records its loss");
    double first = check.epochLosses.get(0);
    double last = check.epochLosses.get(5);
    assertTrue(last < first, loss + " falls as the network learns: " + check.epochLosses);
  }
}
