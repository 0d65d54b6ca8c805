package org.torchwork.runtime.data;

import java.util.List;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/**
 * The rows a run trains and validates on: the task, split by the {@code validate} ratio or beside a
 * separate validation task, each checked to be finite, and standardized with the training rows'
 * statistics when {@code standardize} is set (or with a saved model's, when fine-tuning it).
 *
 * @param train the training rows, standardized if asked
 * @param valid the validation rows, standardized likewise; null when there are none
 * @param standardization the statistics applied; null when none
 */
public record TrainingData(Task train, Task valid, Standardization standardization) {

  /**
   * Prepares a run's data.
   *
   * @param task the task to train on
   * @param validation a separate validation task, or null
   * @param p the learner's parameters ({@code validate}, {@code standardize})
   * @param seed the run's seed, for the validation split
   * @param inherited the standardization of the model a run fine-tunes, or null
   * @return the rows to train and validate on
   * @throws TorchworkException when the data cannot be trained on as set
   */
  public static TrainingData prepare(Task task, Task validation, ParamValues p, int seed, Standardization inherited) {
    Tasks.requireTrainable(task, "Task");
    Task train = task;
    Task valid = validation;
    if (validation != null) {
      if (p.has("validate")) {
        throw new TorchworkException("Both validate=" + p.getDouble("validate") + " and a validation task ('" + validation.id()
            + "') are given. Give one: a ratio of the task's rows, or the separate validation data.");
      }
      Tasks.requireTrainable(validation, "Validation task");
      if (validation.type() != task.type() || !validation.featureNames().equals(task.featureNames())) {
        throw new TorchworkException("Validation task '" + validation.id() + "' does not fit task '" + task.id() + "': it has "
            + describe(validation) + ", the task has " + describe(task) + ". Give validation data with the task's columns.");
      }
      if (!validation.classes().equals(task.classes())) {
        throw new TorchworkException("Validation task '" + validation.id() + "' numbers its classes " + validation.classes()
            + " but task '" + task.id() + "' numbers them " + task.classes() + ". Read the validation file with the task's classes"
            + " (--valid does).");
      }
    } else if (p.has("validate") && p.getDouble("validate") > 0) {
      int[][] split = Splits.holdout(task.nrow(), p.getDouble("validate"), seed);
      if (split[0].length == 0 || split[1].length == 0) {
        throw new TorchworkException(
            "validate=" + p.getDouble("validate") + " leaves " + split[0].length + " training and " + split[1].length
                + " validation rows of task '" + task.id() + "' (" + task.nrow() + " rows). Choose a ratio that leaves rows on both sides.");
      }
      train = task.subset(task.id() + "_train", split[0]);
      valid = task.subset(task.id() + "_valid", split[1]);
    }
    Standardization standardization = inherited;
    if (standardization == null && p.getBoolean("standardize")) {
      standardization = Standardization.fit(train);
    }
    if (standardization != null) {
      train = standardization.apply(train);
      valid = valid == null ? null : standardization.apply(valid);
    }
    return new TrainingData(train, valid, standardization);
  }

  private static String describe(Task t) {
    List<String> classes = t.classes();
    return t.type() + " target '" + t.target() + "', features " + t.featureNames() + (classes.isEmpty() ? "" : ", classes " + classes);
  }
}
