package org.torchwork.runtime;

import java.util.Locale;

/**
 * How the rows of a streamed task reached its run: where they were read from, and how long the
 * loop waited for them. The rows are read on a background thread a few batches ahead, so a share
 * near 0 says reading kept up with training.
 *
 * @param source where the rows were read from, e.g. {@code cache /data/big.csv.rows}
 * @param waitSeconds the seconds the loop waited for rows that were not read yet
 * @param runSeconds the seconds the run took, from its start to its end
 */
public record DataFeed(String source, double waitSeconds, double runSeconds) {
  /**
   * The share of the run spent waiting for rows.
   *
   * @return from 0 to 1
   */
  public double waitShare() {
    return runSeconds > 0 ? Math.min(1, waitSeconds / runSeconds) : 0;
  }

  /**
   * One sentence for people.
   *
   * @return e.g. {@code rows streamed from cache /data/big.csv.rows; waited for them 0.4% of the run (0.5 s of 120.0 s)}
   */
  public String describe() {
    return String.format(Locale.ROOT, "rows streamed from %s; waited for them %.1f%% of the run (%.1f s of %.1f s)", source,
        100 * waitShare(), waitSeconds, runSeconds);
  }
}
