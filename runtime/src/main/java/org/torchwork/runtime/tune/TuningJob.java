package org.torchwork.runtime.tune;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.runtime.Platform;

/**
 * What every trial of a tuning shares: the learner's base configuration, the task, the
 * resampling and the measures. It is all a trial needs besides its own values, so a trial runs
 * the same wherever it runs: in a worker thread here or in a Spark task.
 *
 * @param base the learner with the run's settings (a trial's values are set on top)
 * @param task where the task comes from
 * @param resampling how each trial is scored
 * @param measures the measures; the first one ranks the trials
 * @param internalEpochs with {@code epochs: internal}, the most epochs a trial trains; else null
 */
public record TuningJob(LearnerConfig base, TaskReference task, Resampling resampling, List<String> measures,
    Integer internalEpochs) {
  private static final Map<TaskReference, Task> TASKS = new ConcurrentHashMap<>();

  /**
   * The learner configuration of a trial: the base with the trial's values, and the epoch bound of
   * {@code epochs: internal}.
   *
   * @param trial the trial
   * @return the configuration
   */
  public LearnerConfig configOf(Trial trial) {
    LearnerConfig c = base.with(trial.values());
    return internalEpochs == null ? c : c.with(Map.of("epochs", internalEpochs));
  }

  /**
   * The task, read once per process.
   *
   * @param platform where a built-in task is found
   * @return the task
   */
  public Task loadTask(Platform platform) {
    TaskType type = platform.learners().get(base.learner()).taskType();
    return TASKS.computeIfAbsent(task, t -> t.load(platform, type));
  }

  /**
   * Runs a trial: resamples the trial's configuration.
   *
   * @param platform where ids are resolved
   * @param trial the trial
   * @return its result; status {@code interrupted} when an interrupt (Ctrl-C) stopped it
   * @throws RuntimeException when a training fails, so that the caller may retry or report it
   */
  public TrialResult attempt(Platform platform, Trial trial) {
    long started = System.nanoTime();
    Resample.Result r;
    try {
      r = Resample.run(platform, configOf(trial), loadTask(platform), resampling, measures,
          new Resample.Options(null, null, null, "t" + trial.number()));
    } catch (TrainingInterrupted e) {
      return new TrialResult(trial.number(), trial.values(), TrialResult.INTERRUPTED, List.of(), null, List.of(),
          (System.nanoTime() - started) / 1e9, e.getMessage());
    }
    return new TrialResult(trial.number(), trial.values(), TrialResult.OK, r.aggregates(),
        internalEpochs == null ? null : r.meanBestEpoch(), r.folds(), (System.nanoTime() - started) / 1e9, null);
  }
}
