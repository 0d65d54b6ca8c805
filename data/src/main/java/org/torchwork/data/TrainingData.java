package org.torchwork.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.NetworkShape;

/**
 * The rows a run trains and validates on: the task, split by the {@code validate} ratio or beside a
 * separate validation task; its features prepared ({@link Preprocessing}: missing values imputed,
 * categories encoded) and, when {@code standardize} is set, standardized, with statistics of the
 * training rows alone (or a saved model's, when a run fine-tunes or resumes it).
 *
 * @param train the training rows, prepared
 * @param valid the validation rows, prepared likewise; null when there are none
 * @param standardization the statistics applied after encoding; null when none
 * @param preprocessing how the features were prepared
 * @param unseen for each categorical feature, the validation rows' levels the training rows do not
 *     have, with their counts (they are taken as missing)
 */
public record TrainingData(Task train, Task valid, Standardization standardization, Preprocessing preprocessing,
    Map<String, Map<String, Long>> unseen) {

  /**
   * Prepares a run's data.
   *
   * @param task the task to train on
   * @param validation a separate validation task, or null
   * @param p the learner's parameters ({@code validate}, {@code standardize}, {@code impute},
   *     {@code impute_indicators}, {@code max_levels})
   * @param seed the run's seed, for the validation split
   * @param categories how the learner's network takes categories: {@link Preprocessing#ONE_HOT} or
   *     {@link Preprocessing#INDICES}
   * @param inheritedPreprocessing the preprocessing of the model a run fine-tunes or resumes, or null
   * @param inheritedStandardization its standardization, or null
   * @return the rows to train and validate on
   * @throws TorchworkException when the data cannot be trained on as set
   */
  public static TrainingData prepare(Task task, Task validation, ParamValues p, int seed, String categories,
      Preprocessing inheritedPreprocessing, Standardization inheritedStandardization) {
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
    Preprocessing preprocessing = inheritedPreprocessing != null ? inheritedPreprocessing
        : Preprocessing.fit(train, categories, p.getString("impute"), p.getBoolean("impute_indicators"), p.getInt("max_levels"));
    Map<String, Map<String, Long>> unseen = new LinkedHashMap<>();
    train = preprocessing.encode(train, "Task", null);
    valid = valid == null ? null : preprocessing.encode(valid, "Validation task", unseen);
    Standardization standardization = inheritedStandardization;
    if (standardization == null && p.getBoolean("standardize")) {
      standardization = Standardization.fit(train, preprocessing.scalable());
    }
    if (standardization != null) {
      train = standardization.apply(train);
      valid = valid == null ? null : standardization.apply(valid);
    }
    return new TrainingData(train, valid, standardization, preprocessing, Map.copyOf(unseen));
  }

  /**
   * The shape of the network for these rows: the encoded columns, categorical ones last when the
   * learner takes level indices.
   *
   * @param outputs the number of classes for classification, 1 for regression
   * @return the shape
   */
  public NetworkShape shape(int outputs) {
    return new NetworkShape(train.nfeatures(), outputs, preprocessing.cardinalities(), preprocessing.shape());
  }

  private static String describe(Task t) {
    List<String> classes = t.classes();
    return t.type() + " target '" + t.target() + "', features " + t.featureNames() + (classes.isEmpty() ? "" : ", classes " + classes);
  }
}
