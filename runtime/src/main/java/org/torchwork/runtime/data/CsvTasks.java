package org.torchwork.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * Reads tasks from CSV files (see {@link CsvReader} for the format). Every column but the target
 * must hold finite numbers; the target holds class labels (classification) or numbers
 * (regression). Class labels are sorted, as R sorts factor levels.
 */
public final class CsvTasks {
  /**
   * A classification target whose labels are all numbers is taken for a regression target when it
   * has more distinct values than this, or any that is not a whole number.
   */
  static final int MAX_NUMERIC_CLASSES = 30;

  private CsvTasks() {}

  /**
   * Reads a task from a CSV file.
   *
   * @param file the file
   * @param target the target column's name
   * @param type classification or regression
   * @return the task, with the file name (without {@code .csv}) as its id
   * @throws TorchworkException naming the file, line and column of anything unreadable
   */
  public static Task read(Path file, String target, TaskType type) {
    requireFile(file, "Task file");
    Limits.checkFileFits(file, "Task file");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), idOf(file), target, type).withSource(file);
    } catch (IOException e) {
      throw new TorchworkException("Task file " + file + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  /**
   * Reads a task from CSV text.
   *
   * @param in the CSV bytes, UTF-8
   * @param name the file name to use in messages
   * @param id the task's id
   * @param target the target column's name
   * @param type classification or regression
   * @return the task
   * @throws IOException when reading fails
   */
  public static Task read(InputStream in, String name, String id, String target, TaskType type) throws IOException {
    try (CsvReader csv = new CsvReader(in, "Task file " + name)) {
      List<String> header = csv.header();
      int targetCol = csv.columns(List.of(target), "", "Name the target with --target.")[0];
      List<String> features = new ArrayList<>(header);
      features.remove(targetCol);
      int[] featureCols = new int[features.size()];
      for (int c = 0, f = 0; c < header.size(); c++) {
        if (c != targetCol) {
          featureCols[f++] = c;
        }
      }
      CsvReader.Floats x = new CsvReader.Floats();
      CsvReader.Floats y = new CsvReader.Floats();
      Map<String, Integer> codes = new HashMap<>();
      List<String> labels = new ArrayList<>();
      while (csv.next() != null) {
        for (int c : featureCols) {
          x.add(csv.number(c, "feature"));
        }
        if (type == TaskType.CLASSIF) {
          String label = csv.text(targetCol);
          if (label.isEmpty() || label.equalsIgnoreCase("NA")) {
            throw csv.error(targetCol, "the target value is missing. Remove or impute rows with missing values.");
          }
          y.add(codes.computeIfAbsent(label, l -> {
            labels.add(l);
            return labels.size() - 1;
          }));
        } else {
          y.add(csv.number(targetCol, "regression target"));
        }
      }
      if (y.size() == 0) {
        throw new TorchworkException("Task file " + name + " has a header but no rows. Add data rows.");
      }
      if (features.isEmpty()) {
        throw new TorchworkException("Task file " + name + " has only the target column '" + target + "'. Add feature columns.");
      }
      if (type == TaskType.REGR) {
        return Task.regr(id, target, features, x.toArray(), y.toArray());
      }
      checkNotRegression(labels, name, target);
      return classif(id, target, features, labels, x.toArray(), y.toArray());
    }
  }

  /**
   * Reads a CSV file with the columns of another task, by name and in any order (extra columns
   * are ignored): a validation file for a training task, for example. Its class labels must be
   * among the task's.
   *
   * @param file the file
   * @param like the task whose features, target and classes the file must have
   * @param what how messages name the file, e.g. {@code "Validation file"}
   * @return the task, with the features in {@code like}'s order and its classes
   * @throws TorchworkException naming the file, line and column of anything unreadable or unknown
   */
  public static Task readLike(Path file, Task like, String what) {
    requireFile(file, what);
    Limits.checkFileFits(file, what);
    String label = what + " " + file;
    try (InputStream in = Files.newInputStream(file); CsvReader csv = new CsvReader(in, label)) {
      int[] featureCols = csv.columns(like.featureNames(), "a feature of task '" + like.id() + "'",
          "It needs the columns of task '" + like.id() + "': " + String.join(", ", like.featureNames()) + ".");
      int targetCol = csv.columns(List.of(like.target()), "the target of task '" + like.id() + "'", "Add the target column.")[0];
      Map<String, Integer> codes = new HashMap<>();
      for (int i = 0; i < like.classes().size(); i++) {
        codes.put(like.classes().get(i), i);
      }
      CsvReader.Floats x = new CsvReader.Floats();
      CsvReader.Floats y = new CsvReader.Floats();
      while (csv.next() != null) {
        for (int c : featureCols) {
          x.add(csv.number(c, "feature"));
        }
        if (like.type() == TaskType.CLASSIF) {
          Integer code = codes.get(csv.text(targetCol));
          if (code == null) {
            throw csv.error(targetCol, "class '" + csv.text(targetCol) + "' is not a class of task '" + like.id() + "' ("
                + String.join(", ", like.classes()) + "). Remove the rows of classes the training data does not have.");
          }
          y.add(code);
        } else {
          y.add(csv.number(targetCol, "regression target"));
        }
      }
      if (y.size() == 0) {
        throw new TorchworkException(label + " has a header but no rows. Add data rows.");
      }
      String id = idOf(file);
      Task task = like.type() == TaskType.CLASSIF
          ? classif(id, like.target(), like.featureNames(), like.classes(), x.toArray(), y.toArray())
          : Task.regr(id, like.target(), like.featureNames(), x.toArray(), y.toArray());
      return task.withSource(file);
    } catch (IOException e) {
      throw new TorchworkException(label + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  /** Sorts the labels (first seen order in {@code codes}) and recodes the targets to match. */
  private static Task classif(String id, String target, List<String> features, List<String> labels, float[] x, float[] codes) {
    List<String> sorted = new ArrayList<>(labels);
    sorted.sort(null);
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      position.put(sorted.get(i), i);
    }
    int[] recode = new int[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      recode[i] = position.get(labels.get(i));
    }
    int[] y = new int[codes.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = recode[(int) codes[i]];
    }
    return Task.classif(id, target, features, sorted, x, y);
  }

  /** A classification target that looks like numbers to regress is refused, with the hint to use regr.*. */
  private static void checkNotRegression(List<String> labels, String name, String target) {
    Map<BigDecimal, String> numbers = new TreeMap<>();
    for (String label : labels) {
      try {
        numbers.put(new BigDecimal(label), label);
      } catch (NumberFormatException e) {
        return;
      }
    }
    String fraction = numbers.entrySet().stream().filter(e -> e.getKey().stripTrailingZeros().scale() > 0)
        .map(Map.Entry::getValue).findFirst().orElse(null);
    if (fraction != null || numbers.size() > MAX_NUMERIC_CLASSES) {
      throw new TorchworkException("Task file " + name + ": target '" + target + "' holds " + numbers.size()
          + " distinct numbers" + (fraction != null ? ", such as " + fraction + "," : "") + " which a classification learner"
          + " would treat as " + numbers.size() + " unrelated classes. To predict the number, use a regression learner"
          + " (e.g. --learner regr.mlp); if they really are class codes, write them as labels (e.g. c1, c2).");
    }
  }

  /**
   * Refuses a path that is not a regular file.
   *
   * @param file the path
   * @param what how messages name it, e.g. {@code "Data file"}
   * @throws TorchworkException saying what it is instead
   */
  public static void requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new TorchworkException(
          what + " " + file + " " + (Files.exists(file) ? "is not a regular file" : "does not exist")
              + ". Give the path of a CSV file with a header row.");
    }
  }

  private static String idOf(Path file) {
    return file.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
  }
}
