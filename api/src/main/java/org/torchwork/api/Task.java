package org.torchwork.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A supervised learning task: numeric features and a target, held in memory.
 *
 * <p>Features are stored row-major as {@code float}s. For classification the target of each
 * row is the index of its class in {@link #classes()}; for regression it is the value. A task
 * made with {@link #unlabeled} has features only, for prediction: it has no type, target or
 * classes. Tasks are immutable.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class Task {
  private final String id;
  private final TaskType type;
  private final String target;
  private final List<String> features;
  private final List<String> classes;
  private final float[] x;
  private final float[] y;
  private final int nrow;
  private final Path source;

  private Task(Task task, Path source) {
    this.id = task.id;
    this.type = task.type;
    this.target = task.target;
    this.features = task.features;
    this.classes = task.classes;
    this.nrow = task.nrow;
    this.x = task.x;
    this.y = task.y;
    this.source = source;
  }

  private Task(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y) {
    this.source = null;
    this.id = Objects.requireNonNull(id, "id");
    this.type = type;
    this.target = target;
    this.features = List.copyOf(features);
    this.classes = List.copyOf(classes);
    this.nrow = y.length;
    if (features.isEmpty()) {
      throw new TorchworkException("Task '" + id + "' has no features; a task needs at least one feature column"
          + (target == null ? "." : " besides the target '" + target + "'."));
    }
    if (new HashSet<>(features).size() != features.size()) {
      throw new TorchworkException("Task '" + id + "' names a feature twice in " + features + ". Features are matched by name;"
          + " give each a name of its own.");
    }
    if (x.length != nrow * features.size()) {
      throw new IllegalArgumentException(
          "Task '" + id + "': " + x.length + " feature values for " + nrow + " rows and " + features.size() + " features.");
    }
    this.x = x.clone();
    this.y = y.clone();
  }

  /**
   * A classification task.
   *
   * @param id the task's id
   * @param target the target column's name
   * @param features the feature names
   * @param classes the class labels
   * @param x the features, row-major, {@code nrow * features.size()} values
   * @param y each row's class index into {@code classes}
   * @return the task
   */
  public static Task classif(String id, String target, List<String> features, List<String> classes, float[] x, int[] y) {
    if (classes.size() < 2) {
      throw new TorchworkException(
          "Task '" + id + "': target '" + target + "' has " + classes.size() + " class(es); classification needs at least 2.");
    }
    float[] labels = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes.size()) {
        throw new IllegalArgumentException("Task '" + id + "': row " + i + " has class index " + y[i] + " of " + classes.size() + ".");
      }
      labels[i] = y[i];
    }
    return new Task(id, TaskType.CLASSIF, target, features, classes, x, labels);
  }

  /**
   * A regression task.
   *
   * @param id the task's id
   * @param target the target column's name
   * @param features the feature names
   * @param x the features, row-major, {@code nrow * features.size()} values
   * @param y each row's target value
   * @return the task
   */
  public static Task regr(String id, String target, List<String> features, float[] x, float[] y) {
    return new Task(id, TaskType.REGR, Objects.requireNonNull(target, "target"), features, List.of(), x, y);
  }

  /**
   * A task with features only, to predict: it has no target, so it cannot be trained on or
   * scored.
   *
   * @param id the task's id
   * @param features the feature names
   * @param x the features, row-major, a multiple of {@code features.size()} values
   * @return the task
   * @since 0.2
   */
  public static Task unlabeled(String id, List<String> features, float[] x) {
    if (!features.isEmpty() && x.length % features.size() != 0) {
      throw new IllegalArgumentException(
          "Task '" + id + "': " + x.length + " feature values are not a whole number of rows of " + features.size() + " features.");
    }
    float[] y = new float[features.isEmpty() ? 0 : x.length / features.size()];
    Arrays.fill(y, Float.NaN);
    return new Task(id, null, null, features, List.of(), x, y);
  }

  /**
   * Whether the task has a target (every task but an {@link #unlabeled} one).
   *
   * @return true when the task has a target
   * @since 0.2
   */
  public boolean hasTarget() {
    return type != null;
  }

  /**
   * The task's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Classification or regression.
   *
   * @return the type; null for an {@link #unlabeled} task
   */
  public TaskType type() {
    return type;
  }

  /**
   * The target column's name.
   *
   * @return the name; null for an {@link #unlabeled} task
   */
  public String target() {
    return target;
  }

  /**
   * The feature names, in column order.
   *
   * @return an unmodifiable list
   */
  public List<String> featureNames() {
    return features;
  }

  /**
   * The class labels of a classification task.
   *
   * @return an unmodifiable list; empty for regression
   */
  public List<String> classes() {
    return classes;
  }

  /**
   * The number of rows.
   *
   * @return the row count
   */
  public int nrow() {
    return nrow;
  }

  /**
   * The number of features.
   *
   * @return the feature count
   */
  public int nfeatures() {
    return features.size();
  }

  /**
   * One feature value.
   *
   * @param row the row index
   * @param col the feature index
   * @return the value
   */
  public float feature(int row, int col) {
    return x[row * features.size() + col];
  }

  /**
   * One row's target: the class index for classification, the value for regression.
   *
   * @param row the row index
   * @return the target; NaN for an {@link #unlabeled} task
   */
  public float target(int row) {
    return y[row];
  }

  /**
   * Copies the features of some rows, row-major, into {@code dest}.
   *
   * @param rows row indices
   * @param from first position in {@code rows} to copy
   * @param to position after the last one to copy
   * @param dest receives {@code (to - from) * nfeatures()} values from index 0
   */
  public void copyFeatures(int[] rows, int from, int to, float[] dest) {
    int p = features.size();
    for (int i = from; i < to; i++) {
      System.arraycopy(x, rows[i] * p, dest, (i - from) * p, p);
    }
  }

  /**
   * Copies the targets of some rows into {@code dest}.
   *
   * @param rows row indices
   * @param from first position in {@code rows} to copy
   * @param to position after the last one to copy
   * @param dest receives {@code to - from} values from index 0
   */
  public void copyTargets(int[] rows, int from, int to, float[] dest) {
    for (int i = from; i < to; i++) {
      dest[i - from] = y[rows[i]];
    }
  }

  /**
   * A task with only some rows.
   *
   * @param newId the new task's id
   * @param rows the row indices to keep, in order
   * @return the subset
   */
  public Task subset(String newId, int[] rows) {
    int p = features.size();
    float[] sx = new float[rows.length * p];
    float[] sy = new float[rows.length];
    copyFeatures(rows, 0, rows.length, sx);
    copyTargets(rows, 0, rows.length, sy);
    return new Task(new Task(newId, type, target, features, classes, sx, sy), source);
  }

  /**
   * The file the task's rows were read from, if any. Outputs of a run (logs, checkpoints) never
   * write over it.
   *
   * @return the file, absolute, or empty for a task built in memory
   * @since 0.2
   */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  /**
   * This task, noting the file its rows were read from; subsets keep it.
   *
   * @param file the file
   * @return the task with its source
   * @since 0.2
   */
  public Task withSource(Path file) {
    return new Task(this, file.toAbsolutePath().normalize());
  }

  @Override
  public String toString() {
    if (!hasTarget()) {
      return "<Task:" + id + "> (" + nrow + " x " + features.size() + ", no target)\n* Features (" + features.size() + "): "
          + String.join(", ", features);
    }
    return "<Task" + (type == TaskType.CLASSIF ? "Classif" : "Regr") + ":" + id + "> (" + nrow + " x " + (features.size() + 1) + ")\n"
        + "* Target: " + target + (type == TaskType.CLASSIF ? " (" + String.join(", ", classes) + ")" : "") + "\n"
        + "* Features (" + features.size() + "): " + String.join(", ", features);
  }
}
