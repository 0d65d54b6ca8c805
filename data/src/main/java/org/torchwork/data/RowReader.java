package org.torchwork.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.ColumnType;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.CsvScan.Kind;

/**
 * Reads a CSV file one row at a time in a model's terms, however large the file: each input the
 * model takes, found by name in any order (other columns are ignored) and read as the type it had
 * in training (a categorical one as the index of its level among the model's levels, -1 for a
 * level training never saw); the target, when the file has it; the id column, when asked for and
 * present.
 */
public final class RowReader implements Closeable {
  private final CsvScan scan;
  private final Preprocessing model;
  private final int[] slots;
  private final int targetSlot;
  private final int idSlot;
  private final float[] raw;
  private final String targetName;
  private final String idName;

  /**
   * Opens a file and finds its columns.
   *
   * @param file the file
   * @param format its format
   * @param model the inputs a model takes
   * @param target the model's target column, read when the file has it
   * @param id the id column to carry along when the file has it, or null
   * @param what how messages name the file, e.g. {@code "Data file"}
   * @throws IOException when the file cannot be read
   * @throws TorchworkException when an input is missing, naming the columns there are
   */
  public RowReader(Path file, CsvFormat format, Preprocessing model, String target, String id, String what) throws IOException {
    CsvTable.requireFile(file, what);
    this.scan = new CsvScan(Source.of(file), what + " " + file, format);
    this.model = model;
    List<String> header = new ArrayList<>();
    scan.columns.forEach(c -> header.add(c.name));
    List<String> missing = new ArrayList<>();
    int[] columns = new int[model.inputs().size()];
    for (int i = 0; i < columns.length; i++) {
      Preprocessing.Input in = model.inputs().get(i);
      columns[i] = header.indexOf(in.name());
      if (columns[i] < 0) {
        missing.add(in.name());
        continue;
      }
      CsvScan.Column col = scan.columns.get(columns[i]);
      col.declared = true;
      if (in.type() == ColumnType.CATEGORICAL) {
        col.kind = Kind.LEVEL;
        col.levels = Levels.fixed(in.levels());
        col.grow = false;
        col.unseen = new LinkedHashMap<>();
      } else {
        col.kind = in.type() == ColumnType.LOGICAL ? Kind.LOGICAL : Kind.NUMBER;
        boolean logical = in.type() == ColumnType.LOGICAL;
        col.trainedAs = "the model was trained on '" + in.name() + "' as " + (logical ? "true/false values" : "numbers") + ": the"
            + " column's type has changed. Give " + (logical ? "true or false" : "numbers") + " as in training, or train a model on"
            + " the new data.";
      }
    }
    if (!missing.isEmpty()) {
      scan.close();
      throw new TorchworkException(what + " " + file + " has no column" + (missing.size() > 1 ? "s '" : " '") + String.join("', '", missing)
          + "', which the model needs." + org.torchwork.api.internal.Names.didYouMean(missing.get(0), header) + " Its columns: "
          + String.join(", ", header) + ". Predict data that has every feature the model was trained on: "
          + String.join(", ", model.names()) + ".");
    }
    int targetCol = target == null ? -1 : header.indexOf(target);
    int idCol = id == null ? -1 : header.indexOf(id);
    if (targetCol >= 0 && scan.columns.get(targetCol).kind == Kind.SKIP) {
      scan.columns.get(targetCol).kind = Kind.TEXT;
    }
    if (idCol >= 0 && scan.columns.get(idCol).kind == Kind.SKIP) {
      scan.columns.get(idCol).kind = Kind.TEXT;
    }
    scan.plan();
    this.slots = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      slots[i] = scan.columns.get(columns[i]).slot;
    }
    this.targetSlot = targetCol < 0 || scan.columns.get(targetCol).kind != Kind.TEXT ? -1 : scan.columns.get(targetCol).slot;
    this.idSlot = idCol < 0 || scan.columns.get(idCol).kind != Kind.TEXT ? -1 : scan.columns.get(idCol).slot;
    this.targetName = targetSlot < 0 ? null : target;
    this.idName = idSlot < 0 ? null : id;
    this.raw = new float[columns.length];
  }

  /**
   * Whether the file has the target column.
   *
   * @return true when it has
   */
  public boolean hasTarget() {
    return targetName != null;
  }

  /**
   * Whether the file has the id column asked for.
   *
   * @return true when it has
   */
  public boolean hasId() {
    return idName != null;
  }

  /**
   * Reads the next row.
   *
   * @return false at the end of the file
   * @throws TorchworkException naming the line and column of a value that does not fit the model
   */
  public boolean next() {
    if (!scan.next()) {
      return false;
    }
    float[] row = scan.row;
    for (int i = 0; i < slots.length; i++) {
      raw[i] = row[slots[i]];
    }
    return true;
  }

  /**
   * The row's inputs, in the model's order: numbers (NaN where missing); for a categorical input,
   * its level's index among the model's levels, NaN where missing, -1 for a level training never
   * saw. The array is reused by the next row.
   *
   * @return the values
   */
  public float[] inputs() {
    return raw;
  }

  /**
   * The row's target as written, trimmed.
   *
   * @return the text, or null where it is missing (or the file has no target)
   */
  public String target() {
    return targetSlot < 0 ? null : scan.texts[targetSlot];
  }

  /**
   * A target text as a number, with the file's decimal mark.
   *
   * @param text the text
   * @return the number, or NaN when it is not one
   */
  public float number(String text) {
    return scan.parseNumber(text);
  }

  /**
   * The row's id as written.
   *
   * @return the text, or null where it is missing (or the file has no id column)
   */
  public String id() {
    return idSlot < 0 ? null : scan.texts[idSlot];
  }

  /**
   * The line the current row starts on (the header is line 1).
   *
   * @return the line
   */
  public long line() {
    return scan.line();
  }

  /**
   * An error about an input of the current row.
   *
   * @param input the input's index in the model's order
   * @param problem what is wrong and what to do
   * @return the exception, naming the file, the line and the column
   */
  public TorchworkException error(int input, String problem) {
    String name = model.inputs().get(input).name();
    for (int c = 0; c < scan.columns.size(); c++) {
      if (scan.columns.get(c).name.equals(name)) {
        return scan.error(c, problem);
      }
    }
    throw new IllegalArgumentException(name);
  }

  /**
   * The rows so far whose categorical inputs held levels training never saw: by input, by level
   * (the first 20 levels of each input, then the rest together as {@code (other levels)}), how many
   * rows.
   *
   * @return the counts
   */
  public Map<String, Map<String, Long>> unseen() {
    Map<String, Map<String, Long>> out = new LinkedHashMap<>();
    for (CsvScan.Column c : scan.columns) {
      if (c.unseen != null && !c.unseen.isEmpty()) {
        Map<String, Long> levels = new LinkedHashMap<>(c.unseen);
        long shown = levels.values().stream().mapToLong(Long::longValue).sum();
        if (c.unseenCells > shown) {
          levels.put("(other levels)", c.unseenCells - shown);
        }
        out.put(c.name, levels);
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    scan.close();
  }
}
