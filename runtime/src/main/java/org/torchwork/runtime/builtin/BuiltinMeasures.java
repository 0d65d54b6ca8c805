package org.torchwork.runtime.builtin;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.TaskType;
import org.torchwork.api.spi.MeasureProvider;

/**
 * The built-in measures: {@code classif.acc}, {@code classif.ce}, {@code classif.logloss},
 * {@code regr.mse}, {@code regr.rmse} and {@code regr.mae}. Each is a function of the mean of a
 * per-row value ({@link RowMean}), so a prediction of any size can be scored with a running sum.
 */
public final class BuiltinMeasures implements MeasureProvider {
  private static final double EPS = 1e-15;

  /** Creates the provider. */
  public BuiltinMeasures() {}

  @Override
  public List<Measure> measures() {
    return List.of(
        new Simple("classif.acc", "Classification Accuracy", TaskType.CLASSIF, false, BuiltinMeasures::correct, m -> m),
        new Simple("classif.ce", "Classification Error", TaskType.CLASSIF, true, BuiltinMeasures::correct, m -> 1 - m),
        new Simple("classif.logloss", "Log Loss", TaskType.CLASSIF, true,
            (p, i) -> -Math.log(Math.min(1 - EPS, Math.max(EPS, p.prob(i, (int) p.truth(i))))), m -> m),
        new Simple("regr.mse", "Mean Squared Error", TaskType.REGR, true, BuiltinMeasures::squared, m -> m),
        new Simple("regr.rmse", "Root Mean Squared Error", TaskType.REGR, true, BuiltinMeasures::squared, Math::sqrt),
        new Simple("regr.mae", "Mean Absolute Error", TaskType.REGR, true,
            (p, i) -> Math.abs((double) p.truth(i) - p.response(i)), m -> m));
  }

  private static double correct(Prediction p, int i) {
    return p.truth(i) == p.response(i) ? 1 : 0;
  }

  private static double squared(Prediction p, int i) {
    double d = (double) p.truth(i) - p.response(i);
    return d * d;
  }

  /** A measure that is a function of the mean of a value per row. */
  public interface RowMean {
    /**
     * A row's value.
     *
     * @param p the prediction
     * @param row the row
     * @return the value whose mean the measure is made of
     */
    double row(Prediction p, int row);

    /**
     * The score from the mean of the rows' values.
     *
     * @param mean the mean
     * @return the score
     */
    double finish(double mean);
  }

  /** A built-in measure. */
  private interface RowFunction {
    double apply(Prediction p, int row);
  }

  private record Simple(String id, String label, TaskType taskType, boolean minimize, RowFunction perRow, DoubleUnaryOperator then)
      implements Measure, RowMean {
    @Override
    public double score(Prediction p) {
      double sum = 0;
      for (int i = 0; i < p.nrow(); i++) {
        sum += perRow.apply(p, i);
      }
      return finish(sum / p.nrow());
    }

    @Override
    public double row(Prediction p, int row) {
      return perRow.apply(p, row);
    }

    @Override
    public double finish(double mean) {
      return then.applyAsDouble(mean);
    }

    @Override
    public String toString() {
      return "<Measure:" + id + "> " + label;
    }
  }
}
