package org.torchwork.runtime.tune;

import java.util.concurrent.CompletableFuture;

/**
 * Where a tuning's trials run: on this machine ({@link LocalTrials}) or elsewhere, such as Spark
 * executors (module {@code torchwork-spark}). An executor runs each trial it is given with
 * {@link TuningJob#attempt}, and reports a trial that still fails after its own retries as a
 * failed {@link TrialResult}; it never drops one.
 */
public interface TrialExecutor extends AutoCloseable {
  /**
   * How many trials run at once.
   *
   * @return the slots
   */
  int slots();

  /**
   * Starts a trial.
   *
   * @param job what every trial of the tuning shares
   * @param trial the trial
   * @return its result, once done; completes exceptionally only when the executor itself fails
   */
  CompletableFuture<TrialResult> submit(TuningJob job, Trial trial);

  /**
   * Where the trials run, for people, e.g. {@code 2 workers on this machine}.
   *
   * @return the description
   */
  String describe();

  /** Stops the executor; trials in progress are abandoned. */
  @Override
  void close();
}
