package org.torchwork.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.torchwork.api.ColumnType;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.TaskAccess;

/**
 * A task from rows of Java objects, as a data frame would give them: each row a map from column
 * name to value. A column of numbers is numeric (integer when all are whole), of booleans logical,
 * of strings (or of strings and numbers) categorical; {@code null} is a missing value.
 *
 * <pre>{@code
 * Task task = TaskRows.of("patients", List.of(
 *         Map.of("age", 34, "colour", "red", "smoker", true, "y", "yes"),
 *         Map.of("age", 51, "colour", "blue", "smoker", false, "y", "no")))
 *     .target("y").task(TaskType.CLASSIF);
 * }</pre>
 */
public final class TaskRows {
  private final String id;
  private final List<? extends Map<String, ?>> rows;
  private String target;
  private String idColumn;
  private String weights;
  private final Map<String, ColumnType> types = new LinkedHashMap<>();

  private TaskRows(String id, List<? extends Map<String, ?>> rows) {
    this.id = Objects.requireNonNull(id, "id");
    this.rows = List.copyOf(rows);
  }

  /**
   * Rows to make a task of.
   *
   * @param id the task's id
   * @param rows each row's values by column name; every row names the same columns (a missing
   *     value is {@code null}, for which a map that allows nulls is needed, e.g. a HashMap)
   * @return the rows
   */
  public static TaskRows of(String id, List<? extends Map<String, ?>> rows) {
    return new TaskRows(id, rows);
  }

  /**
   * Names the target column.
   *
   * @param column the column
   * @return these rows
   */
  public TaskRows target(String column) {
    target = column;
    return this;
  }

  /**
   * Names a column of row ids, never a feature.
   *
   * @param column the column, or null
   * @return these rows
   */
  public TaskRows id(String column) {
    idColumn = column;
    return this;
  }

  /**
   * Names a column of row weights.
   *
   * @param column the column, or null
   * @return these rows
   */
  public TaskRows weights(String column) {
    weights = column;
    return this;
  }

  /**
   * Gives a column's type instead of taking it from its values (e.g. numbers that are
   * categories).
   *
   * @param column the column
   * @param type its type
   * @return these rows
   */
  public TaskRows type(String column, ColumnType type) {
    types.put(column, Objects.requireNonNull(type, "type"));
    return this;
  }

  /**
   * The rows as a task without a target, to predict.
   *
   * @return the task
   * @throws TorchworkException naming the row and column of a value that cannot be a feature
   */
  public Task features() {
    return make(null);
  }

  /**
   * The rows as a task.
   *
   * @param type classification (the target's values, as text, become classes) or regression
   * @return the task
   * @throws TorchworkException naming the row and column of a value that does not fit
   */
  public Task task(TaskType type) {
    if (target == null) {
      throw new TorchworkException("Task '" + id + "' needs a target column: name the column to predict (target(\"...\")).");
    }
    return make(Objects.requireNonNull(type, "type"));
  }

  private Task make(TaskType type) {
    if (rows.isEmpty()) {
      throw new TorchworkException("Task '" + id + "' has no rows. Give at least one row.");
    }
    Set<String> columns = new LinkedHashSet<>(rows.get(0).keySet());
    for (int i = 1; i < rows.size(); i++) {
      if (!rows.get(i).keySet().equals(columns)) {
        Set<String> other = new LinkedHashSet<>(rows.get(i).keySet());
        throw new TorchworkException("Task '" + id + "' row " + (i + 1) + " has columns " + other + ", but row 1 has " + columns
            + ". Give every row the same columns (null for a missing value).");
      }
    }
    for (String named : Arrays.asList(target, idColumn, weights)) {
      if (named != null && !columns.contains(named)) {
        throw new TorchworkException("Task '" + id + "' has no column '" + named + "'. Its columns: " + String.join(", ", columns) + ".");
      }
    }
    List<String> features = new ArrayList<>();
    for (String c : columns) {
      if (!c.equals(target) && !c.equals(idColumn) && !c.equals(weights)) {
        features.add(c);
      }
    }
    int n = rows.size();
    int p = features.size();
    if ((long) n * p > Limits.MAX_ARRAY) {
      throw new TorchworkException("Task '" + id + "': " + n + " rows of " + p + " features are more values than one array holds ("
          + Limits.MAX_ARRAY + "). Give fewer rows.");
    }
    float[] x = new float[n * p];
    List<ColumnType> featureTypes = new ArrayList<>();
    Map<String, List<String>> levels = new HashMap<>();
    for (int j = 0; j < p; j++) {
      String f = features.get(j);
      ColumnType t = types.containsKey(f) ? types.get(f) : guess(f);
      featureTypes.add(t);
      if (t == ColumnType.CATEGORICAL) {
        List<String> labels = new ArrayList<>();
        Map<String, Integer> codes = new HashMap<>();
        for (int i = 0; i < n; i++) {
          Object v = rows.get(i).get(f);
          if (v != null) {
            codes.computeIfAbsent(label(v), k -> {
              labels.add(k);
              return labels.size() - 1;
            });
          }
        }
        List<String> sorted = new ArrayList<>(labels);
        sorted.sort(null);
        Map<String, Integer> position = index(sorted);
        for (int i = 0; i < n; i++) {
          Object v = rows.get(i).get(f);
          x[i * p + j] = v == null ? Float.NaN : position.get(label(v));
        }
        levels.put(f, sorted);
      } else {
        for (int i = 0; i < n; i++) {
          x[i * p + j] = number(rows.get(i).get(f), i, f, t);
        }
      }
    }
    float[] y = new float[n];
    List<String> classes = List.of();
    if (type == TaskType.CLASSIF) {
      Set<String> distinct = new java.util.TreeSet<>();
      for (int i = 0; i < n; i++) {
        Object v = rows.get(i).get(target);
        if (v == null) {
          throw new TorchworkException("Task '" + id + "' row " + (i + 1) + " has no target value. Give every row a class.");
        }
        distinct.add(label(v));
      }
      List<String> labels = new ArrayList<>(distinct);
      Map<String, Integer> position = index(labels);
      for (int i = 0; i < n; i++) {
        y[i] = position.get(label(rows.get(i).get(target)));
      }
      classes = labels;
      if (classes.size() < 2) {
        throw new TorchworkException("Task '" + id + "': target '" + target + "' has " + classes.size() + " class(es); classification"
            + " needs at least 2.");
      }
    } else if (type == TaskType.REGR) {
      for (int i = 0; i < n; i++) {
        y[i] = number(rows.get(i).get(target), i, target, ColumnType.NUMERIC);
      }
    } else {
      Arrays.fill(y, Float.NaN);
    }
    Task task = TaskAccess.adopt(id, type, type == null ? null : target, features, classes, x, y, n);
    if (featureTypes.stream().anyMatch(t -> t != ColumnType.NUMERIC)) {
      task = task.withFeatureTypes(featureTypes, levels);
    }
    if (weights != null) {
      float[] w = new float[n];
      for (int i = 0; i < n; i++) {
        w[i] = number(rows.get(i).get(weights), i, weights, ColumnType.NUMERIC);
      }
      task = task.withWeights(w);
    }
    return task.withIdColumn(idColumn);
  }

  private static Map<String, Integer> index(List<String> labels) {
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      position.put(labels.get(i), i);
    }
    return position;
  }

  /** A column's type from its values: booleans logical, numbers numeric or integer, anything else categorical. */
  private ColumnType guess(String column) {
    boolean any = false;
    boolean numbers = true;
    boolean booleans = true;
    boolean whole = true;
    for (Map<String, ?> row : rows) {
      Object v = row.get(column);
      if (v == null) {
        continue;
      }
      any = true;
      numbers &= v instanceof Number;
      booleans &= v instanceof Boolean;
      if (v instanceof Number) {
        double d = ((Number) v).doubleValue();
        whole &= d == Math.rint(d);
      }
    }
    if (!any || numbers) {
      return whole && any ? ColumnType.INTEGER : ColumnType.NUMERIC;
    }
    return booleans ? ColumnType.LOGICAL : ColumnType.CATEGORICAL;
  }

  private float number(Object v, int row, String column, ColumnType type) {
    if (v == null) {
      if (column.equals(target) || column.equals(weights)) {
        throw new TorchworkException("Task '" + id + "' row " + (row + 1) + " has no value in column '" + column + "'. Give one.");
      }
      return Float.NaN;
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? 1 : 0;
    }
    if (!(v instanceof Number)) {
      throw new TorchworkException("Task '" + id + "' row " + (row + 1) + ", column '" + column + "': " + v + " (" + v.getClass()
          .getSimpleName() + ") is not a number, but the column is " + type + ". Give a number, or declare the column categorical.");
    }
    double d = ((Number) v).doubleValue();
    if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
      if (Double.isNaN(d) && !column.equals(target) && !column.equals(weights)) {
        return Float.NaN;
      }
      throw new TorchworkException("Task '" + id + "' row " + (row + 1) + ", column '" + column + "': " + d + " is not a finite"
          + " 32-bit float value. Give a finite number (within about ±3.4e38), or null for a missing value.");
    }
    return (float) d;
  }

  /** A value as a level's label: whole numbers without a fraction (3, not 3.0). */
  static String label(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
    }
    return v.toString();
  }
}
