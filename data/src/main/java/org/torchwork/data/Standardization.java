package org.torchwork.data;

import java.util.Arrays;
import java.util.List;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/**
 * Feature standardization ({@code standardize=true}): each feature minus its mean, divided by its
 * standard deviation, both taken from the training rows only and saved with the model, so that
 * validation data and every later prediction are scaled as the training data was. A constant
 * feature is centred and left unscaled.
 *
 * @param mean each feature's mean on the training rows
 * @param scale each feature's sample standard deviation (1 for a constant feature)
 */
public record Standardization(double[] mean, double[] scale) {

  /**
   * Checks the two arrays (as read from a saved model).
   *
   * @param mean each feature's mean on the training rows
   * @param scale each feature's standard deviation (1 for a feature left as it is)
   * @throws TorchworkException when their lengths differ or a value is not finite or a scale not
   *     positive
   */
  public Standardization {
    if (mean == null || scale == null || mean.length != scale.length) {
      throw new TorchworkException("A standardization needs one mean and one scale per feature.");
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j]) || !(scale[j] > 0) || !Double.isFinite(scale[j])) {
        throw new TorchworkException("A standardization has mean " + mean[j] + " and scale " + scale[j] + " for feature " + (j + 1)
            + "; means must be finite and scales positive.");
      }
    }
  }

  /**
   * Takes the mean and standard deviation of some of a task's features from its rows; the others
   * are left as they are (mean 0, scale 1).
   *
   * @param task the training rows
   * @param scaled which features to standardize
   * @return the standardization
   */
  public static Standardization fit(Task task, boolean[] scaled) {
    int p = task.nfeatures();
    int n = task.nrow();
    double[] mean = new double[p];
    double[] m2 = new double[p];
    // A chunk of rows at a time, in row order: one read per chunk for rows streamed from a file.
    int[] all = Splits.identity(n);
    int chunk = Math.max(1, 65_536 / Math.max(1, p));
    float[] rows = new float[Math.min(n, chunk) * p];
    // Welford's algorithm: stable for large values with small spread.
    for (int from = 0; from < n; from += chunk) {
      int to = Math.min(n, from + chunk);
      task.copyFeatures(all, from, to, rows);
      for (int i = from; i < to; i++) {
        for (int j = 0; j < p; j++) {
          double x = rows[(i - from) * p + j];
          double delta = x - mean[j];
          mean[j] += delta / (i + 1);
          m2[j] += delta * (x - mean[j]);
        }
      }
    }
    double[] scale = new double[p];
    for (int j = 0; j < p; j++) {
      double sd = n > 1 ? Math.sqrt(m2[j] / (n - 1)) : 0;
      scale[j] = scaled[j] && sd > 0 && Double.isFinite(sd) ? sd : 1;
      mean[j] = scaled[j] ? mean[j] : 0;
    }
    return new Standardization(mean, scale);
  }

  /**
   * Standardizes rows in place.
   *
   * @param x row-major features, {@code rows * mean().length} values at least
   * @param rows the number of rows to standardize
   */
  public void apply(float[] x, int rows) {
    int p = mean.length;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < p; j++) {
        x[i * p + j] = (float) ((x[i * p + j] - mean[j]) / scale[j]);
      }
    }
  }

  /**
   * A standardized copy of a task.
   *
   * @param task the task, with the features this standardization was fitted on
   * @return the copy, with the task's row weights
   */
  public Task apply(Task task) {
    if (task.isStreamed()) {
      // Scaled as each batch is read: the rows stay in their file.
      RowSource raw = task.rowSource().orElseThrow();
      Standardization self = this;
      return Tasks.withRows(task, task.featureNames(), new RowSource() {
        @Override
        public int nrow() {
          return raw.nrow();
        }

        @Override
        public int width() {
          return raw.width();
        }

        @Override
        public void read(int[] rows, int from, int to, float[] dest) {
          raw.read(rows, from, to, dest);
          self.apply(dest, to - from);
        }

        @Override
        public String describe() {
          return raw.describe() + ", standardized";
        }
      });
    }
    int n = task.nrow();
    float[] x = new float[n * task.nfeatures()];
    task.copyFeatures(Splits.identity(n), 0, n, x);
    apply(x, n);
    return Tasks.withFeatures(task, task.featureNames(), x);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization s && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
  }

  @Override
  public String toString() {
    return "Standardization[mean=" + Arrays.toString(mean) + ", scale=" + Arrays.toString(scale) + "]";
  }
}
