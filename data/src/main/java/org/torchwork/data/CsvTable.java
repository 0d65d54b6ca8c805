package org.torchwork.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.torchwork.api.ColumnType;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * A CSV file as a task: its format, the columns' roles (target, id, weights, features, dropped)
 * and any column types that should not be guessed. Each column's type is guessed from the file:
 * numbers (numeric, or integer when all are whole), logical ({@code true}/{@code false},
 * {@code TRUE}/{@code FALSE}, {@code T}/{@code F}, {@code yes}/{@code no}), categorical (any
 * text), or, left out of the features with the reason, free text or ids (most values distinct),
 * dates and empty columns.
 *
 * <pre>{@code
 * Task task = CsvTable.of(Path.of("adult.csv")).target("income").id("row").types(Map.of("zip", "categorical"))
 *     .task(TaskType.CLASSIF);
 * TableReport report = CsvTable.of(Path.of("adult.csv")).target("income").describe();
 * }</pre>
 *
 * <p>A quick count of the lines sizes the task's arrays, then one pass reads the rows straight into
 * them: they are held once, as the task's numbers. Types are guessed from the first
 * {@value #GUESS_ROWS} rows; when later rows contradict a guess (text after numbers), the file is
 * read once more with those columns as categorical.
 */
public final class CsvTable {
  /** Rows read before the columns' types are guessed. */
  public static final int GUESS_ROWS = 1000;
  /**
   * A categorical column with more distinct values than this, or with distinct values for more
   * than half its rows (and at least {@value #TEXT_MIN_ROWS} of them), is free text or ids, and
   * left out unless its type is given.
   */
  public static final int MAX_LEVELS = 100_000;
  static final int TEXT_MIN_ROWS = 20;
  /** A classification target whose labels are all numbers is refused when there are more than this, or any fraction. */
  static final int MAX_NUMERIC_CLASSES = 30;
  /** Type names users may give besides {@link ColumnType}'s: a column to leave out. */
  public static final String IGNORED = "ignored";

  final Source source;
  final String name;
  final Path file;
  CsvFormat format = CsvFormat.DEFAULT;
  String target;
  String id;
  String weights;
  List<String> drop = List.of();
  List<String> features;
  Map<String, String> types = new LinkedHashMap<>();

  private CsvTable(Source source, String name, Path file) {
    this.source = source;
    this.name = name;
    this.file = file;
  }

  /**
   * A CSV file.
   *
   * @param file the file
   * @return the table, with the format detected and no roles given yet
   */
  public static CsvTable of(Path file) {
    return new CsvTable(Source.of(file), file.toString(), file);
  }

  /**
   * CSV text held in memory.
   *
   * @param name how messages name it, and the task's id (without {@code .csv})
   * @param content the bytes, UTF-8
   * @return the table
   */
  public static CsvTable of(String name, byte[] content) {
    return new CsvTable(Source.of(content.clone()), name, null);
  }

  /**
   * A CSV file with its settings as {@link #settings()} gives them (for a task read again
   * elsewhere, e.g. on a Spark executor).
   *
   * @param file the file
   * @param settings the settings
   * @return the table
   */
  public static CsvTable of(Path file, Map<String, String> settings) {
    CsvTable t = of(file);
    settings.forEach(t::set);
    return t;
  }

  /**
   * Sets one setting as users write it: {@code sep}, {@code decimal}, {@code na}, {@code target},
   * {@code id}, {@code weights}, {@code drop}, {@code features} or {@code types} (lists
   * comma-separated, types as {@code COL=TYPE,...}).
   *
   * @param key the setting
   * @param value its value
   * @return this table
   * @throws TorchworkException for an unknown setting or a bad value
   */
  public CsvTable set(String key, String value) {
    switch (key) {
      case "sep":
      case "decimal":
      case "na":
        format = format.with(Map.of(key, value));
        break;
      case "target":
        target = value;
        break;
      case "id":
        id = value;
        break;
      case "weights":
        weights = value;
        break;
      case "drop":
        drop = list(value);
        break;
      case "features":
        features = list(value);
        break;
      case "types":
        for (String pair : list(value)) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new TorchworkException("Column type '" + pair + "' is not COLUMN=TYPE. Write e.g. --types zip=categorical,notes=ignored.");
          }
          type(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        break;
      default:
        throw new TorchworkException("'" + key + "' is not a CSV setting. The settings are sep, decimal, na, target, id, weights,"
            + " drop, features and types.");
    }
    return this;
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /**
   * The settings given, as {@link #set} takes them.
   *
   * @return the settings, in a fixed order
   */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    if (format.separator() != CsvFormat.DETECT) {
      m.put("sep", String.valueOf(format.separator()));
    }
    if (format.decimal() != '.') {
      m.put("decimal", String.valueOf(format.decimal()));
    }
    if (!format.na().equals(CsvFormat.DEFAULT_NA)) {
      m.put("na", String.join(",", format.na()));
    }
    if (target != null) {
      m.put("target", target);
    }
    if (id != null) {
      m.put("id", id);
    }
    if (weights != null) {
      m.put("weights", weights);
    }
    if (!drop.isEmpty()) {
      m.put("drop", String.join(",", drop));
    }
    if (features != null) {
      m.put("features", String.join(",", features));
    }
    if (!types.isEmpty()) {
      List<String> pairs = new ArrayList<>();
      types.forEach((k, v) -> pairs.add(k + "=" + v));
      m.put("types", String.join(",", pairs));
    }
    return m;
  }

  /**
   * Sets the format.
   *
   * @param f the separator, decimal mark and missing-value tokens
   * @return this table
   */
  public CsvTable format(CsvFormat f) {
    format = Objects.requireNonNull(f, "format");
    return this;
  }

  /**
   * The format.
   *
   * @return the separator (or {@link CsvFormat#DETECT}), decimal mark and missing-value tokens
   */
  public CsvFormat format() {
    return format;
  }

  /**
   * Names the target column.
   *
   * @param column the column
   * @return this table
   */
  public CsvTable target(String column) {
    target = column;
    return this;
  }

  /**
   * Names the column of row ids: never a feature; {@code predict} writes it as the first column of
   * its output.
   *
   * @param column the column, or null for none
   * @return this table
   */
  public CsvTable id(String column) {
    id = column;
    return this;
  }

  /**
   * Names the column of row weights (finite, not negative).
   *
   * @param column the column, or null for none
   * @return this table
   */
  public CsvTable weights(String column) {
    weights = column;
    return this;
  }

  /**
   * Leaves columns out.
   *
   * @param columns their names
   * @return this table
   */
  public CsvTable drop(List<String> columns) {
    drop = List.copyOf(columns);
    return this;
  }

  /**
   * Uses only these columns as features (the target, id and weights columns aside).
   *
   * @param columns their names, or null for every column not otherwise used
   * @return this table
   */
  public CsvTable features(List<String> columns) {
    features = columns == null ? null : List.copyOf(columns);
    return this;
  }

  /**
   * Gives a column's type instead of guessing it: {@code numeric}, {@code integer},
   * {@code logical}, {@code categorical} (a numeric column declared categorical takes its numbers
   * as labels), or {@value #IGNORED} to leave it out.
   *
   * @param column the column
   * @param type the type's name
   * @return this table
   * @throws TorchworkException for an unknown type
   */
  public CsvTable type(String column, String type) {
    String t = type.trim().toLowerCase(Locale.ROOT);
    if (!t.equals(IGNORED)) {
      try {
        ColumnType.of(t);
      } catch (TorchworkException e) {
        throw new TorchworkException("Column type '" + type + "' (for '" + column + "') is not one Torchwork knows. The types are"
            + " numeric, integer, logical, categorical and ignored.");
      }
    }
    types.put(column, t);
    return this;
  }

  /**
   * Gives several columns' types ({@link #type}).
   *
   * @param byColumn type names by column
   * @return this table
   */
  public CsvTable types(Map<String, String> byColumn) {
    byColumn.forEach(this::type);
    return this;
  }

  /**
   * A task read from the file, and what reading found.
   *
   * @param task the task
   * @param report each column's role, type and missing values, and what was left out
   */
  public record Loaded(Task task, TableReport report) {}

  /**
   * Reads the file as a task.
   *
   * @param type classification (the target's labels become classes) or regression (the target
   *     must hold numbers)
   * @return the task and the report
   * @throws TorchworkException naming the file, the line and the column of anything that cannot
   *     be read, or the setting that does not fit the file
   */
  public Loaded read(TaskType type) {
    Objects.requireNonNull(type, "type");
    if (target == null) {
      throw new TorchworkException("Task file " + name + " needs a target column: name the column to predict (--target COLUMN).");
    }
    return run(type, null);
  }

  /**
   * Reads the file as a task ({@link #read}), without the report.
   *
   * @param type classification or regression
   * @return the task
   */
  public Task task(TaskType type) {
    return read(type).task();
  }

  /**
   * Reads a file with the columns of another task (validation or test data): its features by name,
   * in any order (other columns are ignored), read as the task's types; its target's labels among
   * the task's classes.
   *
   * @param like the task
   * @return the task, its features in {@code like}'s order
   * @throws TorchworkException naming a missing column, an unknown class, or the line and column of
   *     a value that does not fit the task's type
   */
  public Task readLike(Task like) {
    return run(like.type(), like).task();
  }

  /**
   * Describes the file without making a task: each column's role, type, missing count and levels
   * or range; the target, when named, read as its values suggest.
   *
   * @return the report
   */
  public TableReport describe() {
    return run(null, null).report();
  }

  private Loaded run(TaskType type, Task like) {
    if (file != null) {
      requireFile(file, like == null ? "Task file" : "Data file");
      Limits.checkFileFits(file, like == null ? "Task file" : "Data file");
    }
    try {
      return new TableReader(this, type, like).read();
    } catch (IOException e) {
      throw new TorchworkException((like == null ? "Task file " : "Data file ") + name + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  /** The task's id: the file name without {@code .csv}. */
  String taskId() {
    String n = file != null ? file.getFileName().toString() : name;
    return n.replaceFirst("(?i)\\.(csv|tsv|txt)$", "");
  }

  /**
   * The class a truth value stands for when a target's labels are truth values written several
   * ways (TRUE, true, T, yes).
   *
   * @param label a label
   * @return {@code true} or {@code false}, or null when the label is no truth value
   */
  public static String truthClass(String label) {
    int t = CsvScan.truth(label.strip());
    return t < 0 ? null : t == 1 ? "true" : "false";
  }

  /**
   * Refuses a path that is not a regular file.
   *
   * @param path the path
   * @param what how messages name it, e.g. {@code "Data file"}
   * @throws TorchworkException saying what it is instead
   */
  public static void requireFile(Path path, String what) {
    if (!Files.isRegularFile(path)) {
      throw new TorchworkException(what + " " + path + " " + (Files.exists(path) ? "is not a regular file" : "does not exist")
          + ". Give the path of a CSV file with a header row.");
    }
  }
}
