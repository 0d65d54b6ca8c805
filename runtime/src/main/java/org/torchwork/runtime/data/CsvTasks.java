package org.torchwork.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;

/**
 * Reads tasks from CSV files: a header row, comma-separated values, optional double quotes.
 * Every column but the target must be numeric; the target holds class labels (classification)
 * or numbers (regression). Class labels are sorted, as R sorts factor levels.
 */
public final class CsvTasks {
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
    if (!Files.isRegularFile(file)) {
      throw new TorchworkException(
          "Task file " + file + " " + (Files.exists(file) ? "is not a regular file" : "does not exist")
              + ". Give the path of a CSV file with a header row.");
    }
    String id = file.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), id, target, type);
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
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String headerLine = reader.readLine();
    if (headerLine == null) {
      throw new TorchworkException("Task file " + name + " is empty. It needs a header row naming the columns.");
    }
    List<String> header = split(stripBom(headerLine), name, 1);
    int targetCol = header.indexOf(target);
    if (targetCol < 0) {
      throw new TorchworkException(
          "Task file " + name + " has no column '" + target + "'." + Names.didYouMean(target, header)
              + " Its columns: " + String.join(", ", header) + ". Name the target with --target.");
    }
    List<String> features = new ArrayList<>(header);
    features.remove(targetCol);
    List<float[]> rows = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = split(line, name, lineNo);
      if (cells.size() != header.size()) {
        throw new TorchworkException(
            "Task file " + name + " line " + lineNo + " has " + cells.size() + " values but the header has "
                + header.size() + " columns. Fix the line so every row has one value per column.");
      }
      float[] row = new float[features.size()];
      int f = 0;
      for (int c = 0; c < cells.size(); c++) {
        if (c == targetCol) {
          continue;
        }
        row[f++] = number(cells.get(c), name, lineNo, header.get(c), "feature");
      }
      rows.add(row);
      targets.add(cells.get(targetCol).trim());
    }
    if (rows.isEmpty()) {
      throw new TorchworkException("Task file " + name + " has a header but no rows. Add data rows.");
    }
    int p = features.size();
    float[] x = new float[rows.size() * p];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, i * p, p);
    }
    if (type == TaskType.CLASSIF) {
      List<String> classes = new ArrayList<>(new TreeSet<>(targets));
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < classes.size(); i++) {
        index.put(classes.get(i), i);
      }
      int[] y = new int[targets.size()];
      for (int i = 0; i < y.length; i++) {
        if (targets.get(i).isEmpty() || targets.get(i).equalsIgnoreCase("NA")) {
          throw missing(name, i + 2, target, "target");
        }
        y[i] = index.get(targets.get(i));
      }
      return Task.classif(id, target, features, classes, x, y);
    }
    float[] y = new float[targets.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = number(targets.get(i), name, i + 2, target, "regression target");
    }
    return Task.regr(id, target, features, x, y);
  }

  private static float number(String cell, String name, int line, String column, String role) {
    String s = cell.trim();
    if (s.isEmpty() || s.equalsIgnoreCase("NA") || s.equalsIgnoreCase("NaN")) {
      throw missing(name, line, column, role);
    }
    try {
      return Float.parseFloat(s);
    } catch (NumberFormatException e) {
      throw new TorchworkException(
          "Task file " + name + " line " + line + ", column '" + column + "': '" + s + "' is not a number."
              + " Every " + role + " column must be numeric; encode or drop column '" + column + "'"
              + (role.equals("feature") ? ", or name it as the target with --target" : "") + ".");
    }
  }

  private static TorchworkException missing(String name, int line, String column, String role) {
    return new TorchworkException(
        "Task file " + name + " line " + line + ", column '" + column + "': the " + role
            + " value is missing. Remove or impute rows with missing values.");
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  private static List<String> split(String line, String name, int lineNo) {
    List<String> cells = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new TorchworkException(
          "Task file " + name + " line " + lineNo + " has an unclosed double quote. Close the quote"
              + " (a quote inside a quoted value is written \"\").");
    }
    cells.add(cur.toString());
    return cells;
  }
}
