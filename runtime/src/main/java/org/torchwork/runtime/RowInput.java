package org.torchwork.runtime;

import java.util.List;
import java.util.Map;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/** Rows given in Java, checked and turned into a task a model predicts. */
final class RowInput {
  private RowInput() {}

  /** Rows of feature values, in the features' order, as an unlabeled task. */
  static Task task(List<String> features, double[][] rows) {
    int p = features.size();
    float[] x = new float[rows.length * p];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != p) {
        throw new TorchworkException("Row " + (i + 1) + " has " + rows[i].length + " values, but the model takes " + p + " features: "
            + String.join(", ", features) + ". Give one value per feature, in that order.");
      }
      for (int j = 0; j < p; j++) {
        x[i * p + j] = toFloat(rows[i][j], i, features.get(j));
      }
    }
    return Task.unlabeled("rows", features, x);
  }

  /** Rows given by feature name, as rows of values in the features' order. */
  static double[][] byName(List<String> features, List<? extends Map<String, ? extends Number>> rows) {
    double[][] values = new double[rows.size()][];
    for (int i = 0; i < values.length; i++) {
      Map<String, ? extends Number> row = rows.get(i);
      values[i] = new double[features.size()];
      for (int j = 0; j < values[i].length; j++) {
        Number v = row.get(features.get(j));
        if (v == null) {
          throw new TorchworkException("Row " + (i + 1) + " has no value for feature '" + features.get(j) + "'. The model takes "
              + String.join(", ", features) + "; give a value for each.");
        }
        values[i][j] = v.doubleValue();
      }
    }
    return values;
  }

  /** A value as a float: NaN is a missing value, imputed as in training; infinite ones are refused. */
  private static float toFloat(double v, int row, String feature) {
    if (Double.isNaN(v)) {
      return Float.NaN;
    }
    if (Double.isInfinite(v) || Math.abs(v) > Float.MAX_VALUE) {
      throw new TorchworkException("Row " + (row + 1) + ", feature '" + feature + "': " + v + " is not a finite 32-bit float value."
          + " Give a finite number (within about ±3.4e38), or NaN for a missing value.");
    }
    return (float) v;
  }
}
