package org.torchwork.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * A CSV file read in one pass into a {@link RowSink}, a row at a time, for a table larger than
 * memory: every feature a number in every row (no categories, no missing values: their encodings
 * and imputations need statistics of all the rows first), and the target. Only the targets are
 * kept in memory.
 */
final class StreamedCsv {
  private static final String WHY = "a streamed table (--stream) takes a number in every feature cell; convert categories to"
      + " numbers and fill in missing values first, or read the file into memory (without --stream), which encodes and imputes them";

  private StreamedCsv() {}

  /**
   * Reads the table.
   *
   * @param spec the file and how to read it (separator, decimal mark, missing values, target, id,
   *     dropped or chosen columns)
   * @param type the task type
   * @param sink receives each row's features
   * @return what else was read
   */
  static Scanned scan(CsvTable spec, TaskType type, RowSink sink) {
    String what = "Task file " + spec.name;
    if (spec.weights != null || !spec.types.isEmpty()) {
      throw new TorchworkException(what + ": " + (spec.weights != null ? "weights" : "types") + " cannot be read from a streamed"
          + " table. Leave out --" + (spec.weights != null ? "weights" : "types") + ", or read the file into memory (without --stream).");
    }
    if (spec.target == null) {
      throw new TorchworkException(what + ": name the target column (--target COL) to stream the table.");
    }
    try (CsvScan scan = new CsvScan(spec.source, what, spec.format)) {
      List<CsvScan.Column> cols = scan.columns;
      int targetCol = -1;
      List<Integer> features = new ArrayList<>();
      for (int c = 0; c < cols.size(); c++) {
        CsvScan.Column col = cols.get(c);
        if (col.name.equals(spec.target)) {
          targetCol = c;
          col.declared = true;
          if (type == TaskType.CLASSIF) {
            col.kind = CsvScan.Kind.LEVEL;
            col.levels = new Levels(CsvTable.MAX_LEVELS);
            col.grow = true;
            col.role = "classification target";
          } else {
            col.kind = CsvScan.Kind.NUMBER;
            col.role = "regression target";
          }
        } else if (!col.name.equals(spec.id) && !spec.drop.contains(col.name)
            && (spec.features == null || spec.features.contains(col.name))) {
          col.kind = CsvScan.Kind.NUMBER;
          col.declared = true;
          col.trainedAs = WHY + ".";
          features.add(c);
        }
      }
      if (targetCol < 0) {
        throw new TorchworkException(what + " has no column '" + spec.target + "'. Its columns: "
            + String.join(", ", cols.stream().map(c -> c.name).toList()) + ".");
      }
      if (features.isEmpty()) {
        throw new TorchworkException(what + " has no feature columns besides target '" + spec.target + "'. Give a table with features.");
      }
      scan.plan();
      int width = features.size();
      int targetSlot = cols.get(targetCol).slot;
      int[] slots = features.stream().mapToInt(c -> cols.get(c).slot).toArray();
      sink.begin(-1, width, what);
      float[] row = new float[width];
      float[] y = new float[1024];
      int n = 0;
      while (scan.next()) {
        for (int k = 0; k < width; k++) {
          float v = scan.row[slots[k]];
          if (Float.isNaN(v)) {
            throw scan.error(features.get(k), "the value is missing, but " + WHY + ".");
          }
          if (Float.isInfinite(v)) {
            throw scan.error(features.get(k), v + " is not a finite number. Networks cannot learn from it; remove the row or fix the"
                + " value.");
          }
          row[k] = v;
        }
        float t = scan.row[targetSlot];
        if (Float.isNaN(t)) {
          throw scan.error(targetCol, "the target is missing. Remove the row, or fill in its target.");
        }
        if (cols.get(targetCol).overflow) {
          throw scan.error(targetCol, "the target has more than " + CsvTable.MAX_LEVELS + " classes. Use a regr.* learner for a"
              + " numeric target.");
        }
        sink.accept(row, 0);
        if (n == y.length) {
          y = Arrays.copyOf(y, y.length * 2);
        }
        y[n++] = t;
      }
      if (n == 0) {
        throw new TorchworkException(what + " has a header but no rows. Give a table with rows.");
      }
      y = Arrays.copyOf(y, n);
      List<String> names = features.stream().map(c -> cols.get(c).name).toList();
      List<String> classes = List.of();
      if (type == TaskType.CLASSIF) {
        classes = TableReader.truthClasses(TableReader.sortLevels(cols.get(targetCol).levels, y, 1, 0, n), y, n);
        if (classes.size() < 2) {
          throw new TorchworkException(what + ": target '" + spec.target + "' has " + classes.size() + " class(es); classification"
              + " needs at least 2. Give rows of another class, or name another target column.");
        }
      }
      return new Scanned(spec.taskId(), type, spec.target, names, classes, y, null, spec.file, spec.settings());
    } catch (IOException e) {
      throw new TorchworkException(what + " cannot be read: " + e.getMessage() + ".", e);
    }
  }
}
