package org.torchwork.data;

import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.internal.TaskAccess;

/** Checks on tasks however they were made: in Java, from a CSV file, or built in. */
public final class Tasks {
  private Tasks() {}

  /**
   * Refuses a task that cannot be trained on: one without a target, or with a target that is not
   * finite. Missing feature values (NaN) are imputed by the {@link Preprocessing}; infinite ones
   * are refused there.
   *
   * @param task the task
   * @param role how messages name it, e.g. {@code "Task"} or {@code "Validation task"}
   * @throws TorchworkException naming the row and the column
   */
  public static void requireTrainable(Task task, String role) {
    requireTarget(task, role);
    if (task.type() == TaskType.REGR) {
      for (int i = 0; i < task.nrow(); i++) {
        if (!Float.isFinite(task.target(i))) {
          throw new TorchworkException(role + " '" + task.id() + "' row " + (i + 1) + ": target '" + task.target() + "' is "
              + task.target(i) + ". Targets must be finite numbers; remove the row, or leave its target empty in a CSV file (such rows are dropped).");
        }
      }
    }
  }

  /**
   * Refuses a task without a target.
   *
   * @param task the task
   * @param role how messages name it
   * @throws TorchworkException saying to train on a task with a target
   */
  public static void requireTarget(Task task, String role) {
    if (!task.hasTarget()) {
      throw new TorchworkException(role + " '" + task.id() + "' has no target, so it cannot be trained on. Train on a task"
          + " with a target column; predict tasks without one.");
    }
  }

  /**
   * Where each wanted feature is among a task's features, matched by name in any order.
   *
   * @param task the task
   * @param wanted the feature names needed, in the order needed
   * @param needs who needs them, for the message, e.g. {@code "the model"}
   * @return for each wanted feature, its index in the task
   * @throws TorchworkException naming the missing features
   */
  public static int[] featureIndex(Task task, List<String> wanted, String needs) {
    int[] index = new int[wanted.size()];
    List<String> missing = new ArrayList<>();
    for (int j = 0; j < index.length; j++) {
      index[j] = task.featureNames().indexOf(wanted.get(j));
      if (index[j] < 0) {
        missing.add(wanted.get(j));
      }
    }
    if (!missing.isEmpty()) {
      throw new TorchworkException("Task '" + task.id() + "' lacks feature" + (missing.size() > 1 ? "s " : " ") + Names.list(missing)
          + ", which " + needs + " needs." + Names.didYouMean(missing.get(0), unclaimed(task.featureNames(), wanted)) + " Its features: "
          + Names.list(task.featureNames()) + ". Give a task with every feature " + needs + " was trained on: "
          + Names.list(wanted) + ".");
    }
    return index;
  }

  /**
   * A task of new feature columns for the same rows, with what the rows carry besides their
   * features: weights, source file and id column.
   *
   * @param from the task the rows come from
   * @param features the new features' names
   * @param x the new features, row-major, {@code from.nrow()} rows; taken over, not copied
   * @return the task, with {@code from}'s id, target, classes, weights, source and id column
   */
  public static Task withFeatures(Task from, List<String> features, float[] x) {
    int n = from.nrow();
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = from.target(i);
    }
    return carry(from, features, TaskAccess.adopt(from.id(), from.type(), from.target(), features, from.classes(), x, y, n));
  }

  /**
   * A task of new feature columns for the same rows, read from a source as they are needed, with
   * what the rows carry besides their features, as {@link #withFeatures}.
   *
   * @param from the task the rows come from
   * @param features the new features' names
   * @param rows the new features, {@code from.nrow()} rows
   * @return the task
   */
  public static Task withRows(Task from, List<String> features, RowSource rows) {
    int n = from.nrow();
    Task task;
    if (from.type() == null) {
      task = Task.unlabeled(from.id(), features, rows);
    } else if (from.type() == TaskType.CLASSIF) {
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = (int) from.target(i);
      }
      task = Task.classif(from.id(), from.target(), features, from.classes(), rows, y);
    } else {
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = from.target(i);
      }
      task = Task.regr(from.id(), from.target(), features, rows, y);
    }
    return carry(from, features, task);
  }

  /** {@code task} with what {@code from}'s rows carry besides their features: weights, source, shape and id column. */
  private static Task carry(Task from, List<String> features, Task task) {
    int n = from.nrow();
    if (from.hasWeights()) {
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        w[i] = from.weight(i);
      }
      task = task.withWeights(w);
    }
    if (from.source().isPresent()) {
      task = task.withSource(from.source().get(), from.readSettings());
    }
    if (from.hasRowShape() && features.size() == from.nfeatures()) {
      task = task.withRowShape(from.rowShape());
    }
    return task.withIdColumn(from.idColumn().orElse(null));
  }

  /** The names no wanted name claims: the only ones a misspelt wanted name can be. */
  static List<String> unclaimed(List<String> names, List<String> wanted) {
    List<String> rest = new ArrayList<>(names);
    rest.removeAll(wanted);
    return rest;
  }
}
