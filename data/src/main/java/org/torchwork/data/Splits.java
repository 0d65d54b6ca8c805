package org.torchwork.data;

import java.util.Arrays;
import java.util.Random;

/** How a task's rows are split into training and validation rows. */
public final class Splits {
  private Splits() {}

  /**
   * The rows in order.
   *
   * @param n the number of rows
   * @return 0, 1, ..., n - 1
   */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /**
   * Splits {@code n} rows at random into training and validation rows.
   *
   * @param n the number of rows
   * @param ratio the share of rows for validation
   * @param seed the run's seed
   * @return the sorted training rows, then the sorted validation rows
   */
  public static int[][] holdout(int n, double ratio, int seed) {
    int[] order = identity(n);
    Random random = new Random(seed ^ 0x5DEECE66DL);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int nValid = (int) Math.round(n * ratio);
    int[] valid = Arrays.copyOfRange(order, 0, nValid);
    int[] train = Arrays.copyOfRange(order, nValid, n);
    Arrays.sort(valid);
    Arrays.sort(train);
    return new int[][] {train, valid};
  }
}
