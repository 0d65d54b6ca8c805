package org.torchwork.runtime.builtin;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.TaskType;
import org.torchwork.api.spi.MeasureProvider;

/**
 * The built-in measures: {@code classif.acc}, {@code classif.ce}, {@code classif.logloss},
 * {@code regr.mse}, {@code regr.rmse} and {@code regr.mae}.
 */
public final class BuiltinMeasures implements MeasureProvider {

  /** Creates the provider. */
  public BuiltinMeasures() {}

  @Override
  public List<Measure> measures() {
    return List.of(
        new Simple("classif.acc", "Classification Accuracy", TaskType.CLASSIF, false, BuiltinMeasures::accuracy),
        new Simple("classif.ce", "Classification Error", TaskType.CLASSIF, true, p -> 1 - accuracy(p)),
        new Simple("classif.logloss", "Log Loss", TaskType.CLASSIF, true, BuiltinMeasures::logloss),
        new Simple("regr.mse", "Mean Squared Error", TaskType.REGR, true, BuiltinMeasures::mse),
        new Simple("regr.rmse", "Root Mean Squared Error", TaskType.REGR, true, p -> Math.sqrt(mse(p))),
        new Simple("regr.mae", "Mean Absolute Error", TaskType.REGR, true, BuiltinMeasures::mae));
  }

  private static double accuracy(Prediction p) {
    int correct = 0;
    for (int i = 0; i < p.nrow(); i++) {
      if (p.truth(i) == p.response(i)) {
        correct++;
      }
    }
    return (double) correct / p.nrow();
  }

  private static double logloss(Prediction p) {
    double eps = 1e-15;
    double sum = 0;
    for (int i = 0; i < p.nrow(); i++) {
      double prob = Math.min(1 - eps, Math.max(eps, p.prob(i, (int) p.truth(i))));
      sum -= Math.log(prob);
    }
    return sum / p.nrow();
  }

  private static double mse(Prediction p) {
    double sum = 0;
    for (int i = 0; i < p.nrow(); i++) {
      double d = (double) p.truth(i) - p.response(i);
      sum += d * d;
    }
    return sum / p.nrow();
  }

  private static double mae(Prediction p) {
    double sum = 0;
    for (int i = 0; i < p.nrow(); i++) {
      sum += Math.abs((double) p.truth(i) - p.response(i));
    }
    return sum / p.nrow();
  }

  private record Simple(String id, String label, TaskType taskType, boolean minimize, ToDoubleFunction<Prediction> fn)
      implements Measure {
    @Override
    public double score(Prediction prediction) {
      return fn.applyAsDouble(prediction);
    }

    @Override
    public String toString() {
      return "<Measure:" + id + "> " + label;
    }
  }
}
