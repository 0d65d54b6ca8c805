package org.torchwork.data;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.torchwork.api.ColumnType;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.internal.TaskAccess;
import org.torchwork.data.CsvScan.Kind;
import org.torchwork.data.TableReport.Role;

/**
 * Reads a {@link CsvTable} in one pass: the first {@value CsvTable#GUESS_ROWS} rows as texts, to
 * guess each column's type, then every row straight into the task's arrays, sized from the length
 * of the first lines (and grown by what the rest of the file holds if that was too little). When later rows contradict a guess (text after
 * numbers), the pass ends and the file is read once more, every such column as categorical.
 */
final class TableReader {
  private static final Pattern DATE = Pattern.compile(
      "\\d{4}-\\d{1,2}-\\d{1,2}([ T]\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?"
          + "|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{1,2}[./]\\d{1,2}[./]\\d{4}|\\d{1,2}:\\d{2}(:\\d{2})?");
  private static final Pattern DECIMAL_COMMA = Pattern.compile("[-+]?\\d+,\\d+");
  private static final int LEVELS_SHOWN = 10;

  private final CsvTable spec;
  private final TaskType type;
  private final Task like;
  private final String what;
  /** Columns whose later rows held text where the first ones held numbers or truth values, with that line. */
  private final Map<Integer, Long> categorical = new LinkedHashMap<>();

  /** What a column turned out to be. */
  private enum Guess { NUMBER, LOGICAL, CATEGORICAL, DATE, EMPTY }

  TableReader(CsvTable spec, TaskType type, Task like) {
    this.spec = spec;
    this.type = type;
    this.like = like;
    this.what = (like == null ? "Task file " : "Data file ") + spec.name;
  }

  CsvTable.Loaded read() throws IOException {
    while (true) {
      try (CsvScan scan = new CsvScan(spec.source, what, spec.format)) {
        CsvTable.Loaded loaded = attempt(scan);
        if (loaded != null) {
          return loaded;
        }
        scan.conflicts.forEach(categorical::putIfAbsent);
      }
    }
  }

  private CsvTable.Loaded attempt(CsvScan scan) {
    List<CsvScan.Column> cols = scan.columns;
    int n = cols.size();
    List<String> names = new ArrayList<>();
    cols.forEach(c -> names.add(c.name));
    Role[] roles = new Role[n];
    String[] notes = new String[n];
    Arrays.fill(notes, "");
    String[] declared = new String[n];
    int targetCol = -1;
    if (like != null) {
      targetCol = find(names, like.target(), "the target of task '" + like.id() + "'", "Add the target column.");
    } else if (spec.target != null) {
      targetCol = find(names, spec.target, "", "Name the target with --target.");
    }
    int idCol = spec.id == null ? -1 : find(names, spec.id, "named as the id column (--id)", "Name an existing column.");
    int weightCol = spec.weights == null ? -1 : find(names, spec.weights, "named as the weights column (--weights)", "Name an existing column.");
    for (Map.Entry<String, String> e : spec.types.entrySet()) {
      declared[find(names, e.getKey(), "whose type is given (--types)", "Name an existing column.")] = e.getValue();
    }
    Set<Integer> dropped = new HashSet<>();
    for (String d : spec.drop) {
      dropped.add(find(names, d, "named in --drop", "Name an existing column."));
    }
    requireApart(names, targetCol, "the target", idCol, "the id column");
    requireApart(names, targetCol, "the target", weightCol, "the weights column");
    requireApart(names, idCol, "the id column", weightCol, "the weights column");
    for (int d : dropped) {
      requireApart(names, d, "dropped (--drop)", targetCol, "the target");
      requireApart(names, d, "dropped (--drop)", idCol, "the id column");
      requireApart(names, d, "dropped (--drop)", weightCol, "the weights column");
    }
    // The features, in the order the task will have them.
    List<Integer> featureCols = new ArrayList<>();
    if (like != null) {
      for (String f : like.featureNames()) {
        featureCols.add(find(names, f, "a feature of task '" + like.id() + "'", "It needs the columns of task '" + like.id() + "': "
            + String.join(", ", like.featureNames()) + "."));
      }
    } else if (spec.features != null) {
      for (String f : spec.features) {
        int c = find(names, f, "named in --features", "Name existing columns.");
        requireApart(names, c, "a feature (--features)", targetCol, "the target");
        requireApart(names, c, "a feature (--features)", idCol, "the id column");
        requireApart(names, c, "a feature (--features)", weightCol, "the weights column");
        featureCols.add(c);
      }
    } else {
      for (int c = 0; c < n; c++) {
        if (c != targetCol && c != idCol && c != weightCol && !dropped.contains(c) && !CsvTable.IGNORED.equals(declared[c])) {
          featureCols.add(c);
        }
      }
    }
    for (int c = 0; c < n; c++) {
      roles[c] = c == targetCol ? Role.TARGET : c == idCol ? Role.ID : c == weightCol ? Role.WEIGHTS
          : featureCols.contains(c) ? Role.FEATURE : Role.LEFT_OUT;
      if (roles[c] == Role.LEFT_OUT && like == null) {
        notes[c] = dropped.contains(c) ? "dropped (--drop)" : CsvTable.IGNORED.equals(declared[c]) ? "its type is given as ignored"
            : "not among the features given (--features)";
      }
    }

    // The first rows, as texts, to guess types from.
    List<String[]> sample = new ArrayList<>();
    List<Long> sampleLines = new ArrayList<>();
    scan.plan();
    scan.raw = new String[n];
    scan.keepRaw = true;
    while (sample.size() < CsvTable.GUESS_ROWS && scan.next()) {
      sample.add(scan.raw.clone());
      sampleLines.add(scan.line());
    }
    scan.keepRaw = false;

    boolean describe = type == null;
    Guess[] guesses = new Guess[n];
    for (int c = 0; c < n; c++) {
      CsvScan.Column col = cols.get(c);
      boolean read = describe || roles[c] != Role.LEFT_OUT;
      if (!read || (roles[c] == Role.ID && !describe)) {
        continue;
      }
      if (c == targetCol && !describe) {
        if (type == TaskType.CLASSIF) {
          // Data read like a task keeps its labels as texts, to name one the task does not have.
          col.kind = like != null ? Kind.TEXT : Kind.LEVEL;
          col.levels = like != null ? null : new Levels(Integer.MAX_VALUE);
          col.grow = true;
        } else {
          col.kind = Kind.NUMBER;
          col.declared = true;
          col.role = "regression target";
        }
        continue;
      }
      if (c == weightCol) {
        col.kind = Kind.NUMBER;
        col.declared = true;
        col.role = "weight";
        continue;
      }
      String given = like != null && roles[c] == Role.FEATURE ? like.featureType(featureCols.indexOf(c)).id() : declared[c];
      if (given != null && !CsvTable.IGNORED.equals(given)) {
        ColumnType t = ColumnType.of(given);
        col.declared = true;
        col.kind = t == ColumnType.CATEGORICAL ? Kind.LEVEL : t == ColumnType.LOGICAL ? Kind.LOGICAL : Kind.NUMBER;
      } else {
        guesses[c] = categorical.containsKey(c) ? Guess.CATEGORICAL : guess(scan, sample, c);
        if (categorical.containsKey(c)) {
          notes[c] = "its first rows hold numbers, but line " + categorical.get(c) + " holds text: read as categorical";
        }
        col.kind = switch (guesses[c]) {
          case NUMBER, EMPTY -> Kind.NUMBER;
          case LOGICAL -> Kind.LOGICAL;
          case CATEGORICAL -> Kind.LEVEL;
          case DATE -> Kind.SKIP;
        };
        if (guesses[c] == Guess.DATE && roles[c] == Role.FEATURE) {
          roles[c] = Role.LEFT_OUT;
          notes[c] = "it holds dates or times (e.g. '" + firstValue(scan, sample, c) + "'), which are not features as they are;"
              + " derive numbers from them (year, month, day of week) before training";
        }
      }
      if (col.kind == Kind.LEVEL && col.levels == null) {
        col.levels = new Levels(CsvTable.MAX_LEVELS);
        col.grow = true;
      }
    }
    if (idCol >= 0 && describe) {
      CsvScan.Column id = cols.get(idCol);
      id.kind = Kind.LEVEL;
      id.levels = new Levels(CsvTable.MAX_LEVELS);
      id.grow = true;
    }
    scan.plan();

    // Every row, into the task's arrays.
    List<Integer> stored = new ArrayList<>();
    for (int c : featureCols) {
      if (roles[c] == Role.FEATURE) {
        stored.add(c);
      }
    }
    int p = stored.size();
    int[] slots = stored.stream().mapToInt(c -> cols.get(c).slot).toArray();
    long capacity = Math.max(16, scan.rowsEstimate);
    if (!describe && capacity * Math.max(1, p) > Limits.MAX_ARRAY) {
      throw new TorchworkException(what + " has about " + capacity + " rows of " + p + " features, more values than one array holds ("
          + Limits.MAX_ARRAY + "). Train on a sample of the rows, or on fewer columns (--features, --drop).");
    }
    Rows rows = new Rows(scan, describe, (int) capacity, weightCol >= 0, slots, targetCol < 0 ? -1 : cols.get(targetCol).slot,
        weightCol < 0 ? -1 : cols.get(weightCol).slot, targetCol, weightCol);
    if (like != null && type == TaskType.CLASSIF) {
      rows.classCodes = new HashMap<>();
      for (int i = 0; i < like.classes().size(); i++) {
        rows.classCodes.put(like.classes().get(i), i);
      }
    }
    for (int i = 0; i < sample.size(); i++) {
      scan.replay(sample.get(i), sampleLines.get(i));
      rows.commit();
    }
    while (scan.next()) {
      rows.commit();
    }
    if (!scan.conflicts.isEmpty()) {
      // Read again, with every contradicted column as categorical.
      return null;
    }
    if (rows.count == 0) {
      throw new TorchworkException(what + (rows.dropped > 0 ? " has no row with a target value: all " + rows.dropped + " rows miss"
          + " the target '" + names.get(targetCol) + "'. Give rows with a target." : " has a header but no rows. Add data rows."));
    }

    // What each column turned out to be.
    String[] typeNames = new String[n];
    for (int c = 0; c < n; c++) {
      CsvScan.Column col = cols.get(c);
      typeNames[c] = typeName(col, guesses[c]);
      long present = rows.count + rows.dropped - col.missing;
      if (roles[c] != Role.FEATURE) {
        continue;
      }
      if (col.kind == Kind.NUMBER && present == 0) {
        roles[c] = Role.LEFT_OUT;
        typeNames[c] = "empty";
        notes[c] = "every value is missing";
      } else if (col.kind == Kind.LEVEL && col.overflow) {
        roles[c] = Role.LEFT_OUT;
        typeNames[c] = "text";
        notes[c] = "it has more than " + CsvTable.MAX_LEVELS + " distinct values (free text or ids)";
      } else if (col.kind == Kind.LEVEL && !col.declared && present >= CsvTable.TEXT_MIN_ROWS && col.levels.size() * 2L > present) {
        roles[c] = Role.LEFT_OUT;
        typeNames[c] = "text";
        notes[c] = "it looks like free text or ids (" + col.levels.size() + " distinct values in " + present + " rows); to use it as"
            + " a category anyway, give --types " + col.name + "=categorical";
      } else if (col.kind == Kind.NUMBER && "integer".equals(declared[c]) && !col.whole) {
        throw new TorchworkException(what + ": column '" + col.name + "' is given as integer (--types) but holds fractions. Give it"
            + " as numeric.");
      } else if (c == 0 && scan.unnamed(c) && col.kind == Kind.NUMBER && col.counting && (col.first == 0 || col.first == 1)
          && col.numbers == rows.count + rows.dropped) {
        roles[c] = Role.LEFT_OUT;
        notes[c] = "it has no name and numbers the rows (a saved row index)";
      }
    }

    List<TableReport.Column> report = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      report.add(columnReport(cols.get(c), roles[c], typeNames[c], notes[c], c == targetCol && !describe));
    }
    TableReport tableReport = new TableReport(spec.name, scan.format.separator(), scan.format.decimal(), scan.format.na(), rows.count,
        rows.dropped, List.copyOf(report));
    if (describe) {
      return new CsvTable.Loaded(null, tableReport);
    }
    return new CsvTable.Loaded(task(scan, names, roles, stored, rows.x, rows.y, rows.w, rows.count, targetCol, tableReport),
        tableReport);
  }

  private Task task(CsvScan scan, List<String> names, Role[] roles, List<Integer> stored, float[] x, float[] y, float[] w, int nrow,
      int targetCol, TableReport report) {
    List<CsvScan.Column> cols = scan.columns;
    int p = stored.size();
    List<Integer> kept = new ArrayList<>();
    for (int k = 0; k < p; k++) {
      if (roles[stored.get(k)] == Role.FEATURE) {
        kept.add(k);
      }
    }
    if (kept.isEmpty()) {
      throw new TorchworkException(what + " has no feature to learn from" + (report.notes().isEmpty() ? "" : ": "
          + String.join("; ", report.notes())) + ". Give at least one usable feature column.");
    }
    int q = kept.size();
    if (q < p) {
      // Left-out columns removed in place, row by row: a row never moves to a later position.
      for (int i = 0; i < nrow; i++) {
        for (int k = 0; k < q; k++) {
          x[i * q + k] = x[i * p + kept.get(k)];
        }
      }
    }
    List<String> features = new ArrayList<>();
    List<ColumnType> types = new ArrayList<>();
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (int k = 0; k < q; k++) {
      CsvScan.Column col = cols.get(stored.get(kept.get(k)));
      features.add(col.name);
      if (col.kind == Kind.LEVEL) {
        types.add(ColumnType.CATEGORICAL);
        levels.put(col.name, sortLevels(col.levels, x, q, k, nrow));
      } else if (col.kind == Kind.LOGICAL) {
        types.add(ColumnType.LOGICAL);
      } else {
        ColumnType given = declaredType(spec.types.get(col.name), like, like == null ? -1 : like.featureNames().indexOf(col.name));
        types.add(given != null ? given : col.whole ? ColumnType.INTEGER : ColumnType.NUMERIC);
      }
    }
    List<String> classes = List.of();
    String target = names.get(targetCol);
    if (type == TaskType.CLASSIF) {
      CsvScan.Column t = cols.get(targetCol);
      if (like != null) {
        classes = like.classes();
      } else {
        classes = truthClasses(sortLevels(t.levels, y, 1, 0, nrow), y, nrow);
        if (classes.size() < 2) {
          throw new TorchworkException(what + ": target '" + target + "' has " + classes.size() + " class(es) (" + String.join(", ",
              classes) + "); classification needs at least 2. Give rows of another class, or name another target column.");
        }
        checkNotRegression(classes, target);
      }
    }
    Task task = TaskAccess.adopt(spec.taskId(), type, target, features, classes, x, y, nrow);
    if (types.stream().anyMatch(t -> t != ColumnType.NUMERIC)) {
      task = task.withFeatureTypes(types, levels);
    }
    if (w != null) {
      task = task.withWeights(Arrays.copyOf(w, nrow));
    }
    task = task.withIdColumn(like == null ? spec.id : null);
    return spec.file == null ? task : task.withSource(spec.file, formatSettings(scan.format));
  }

  /** The rows as they are read, into the task's arrays. */
  private final class Rows {
    final CsvScan scan;
    float[] x;
    float[] y;
    float[] w;
    final int[] slots;
    final int targetSlot;
    final int weightSlot;
    final int targetCol;
    final int weightCol;
    /** For data read like a classification task: its classes' indices; the target is then read as text. */
    Map<String, Integer> classCodes;
    int count;
    long dropped;

    Rows(CsvScan scan, boolean describe, int capacity, boolean weighted, int[] slots, int targetSlot, int weightSlot, int targetCol,
        int weightCol) {
      this.scan = scan;
      this.x = describe ? null : new float[capacity * slots.length];
      this.y = describe ? null : new float[capacity];
      this.w = describe || !weighted ? null : new float[capacity];
      this.slots = slots;
      this.targetSlot = targetSlot;
      this.weightSlot = weightSlot;
      this.targetCol = targetCol;
      this.weightCol = weightCol;
    }

    void commit() {
      float[] row = scan.row;
      float t;
      if (classCodes != null) {
        String label = scan.texts[targetSlot];
        Integer code = label == null ? null : classCodes.get(label);
        if (code == null && label != null && CsvTable.truthClass(label) != null) {
          code = classCodes.get(CsvTable.truthClass(label));
        }
        if (label != null && code == null) {
          throw scan.error(targetCol, "class '" + label + "' is not a class of task '" + like.id() + "' (" + String.join(", ",
              like.classes()) + "). Remove the rows of classes the training data does not have.");
        }
        t = code == null ? Float.NaN : code;
      } else {
        t = targetSlot < 0 ? 0 : row[targetSlot];
      }
      if (targetSlot >= 0 && Float.isNaN(t)) {
        dropped++;
        return;
      }
      if (x != null) {
        int p = slots.length;
        if (count == y.length) {
          // More rows than estimated from the first lines: as many more as the part of the file left holds.
          int more = (int) Math.min(Integer.MAX_VALUE - 8 - (long) y.length, scan.rowsLeft(count));
          x = java.util.Arrays.copyOf(x, (y.length + more) * p);
          w = w == null ? null : java.util.Arrays.copyOf(w, y.length + more);
          y = java.util.Arrays.copyOf(y, y.length + more);
        }
        int base = count * p;
        for (int k = 0; k < p; k++) {
          x[base + k] = row[slots[k]];
        }
        y[count] = t;
        if (w != null) {
          float v = row[weightSlot];
          if (Float.isNaN(v) || v < 0) {
            throw scan.error(weightCol, Float.isNaN(v) ? "the weight is missing. Give every row a weight (0 leaves a row out)."
                : "the weight " + v + " is negative. Weights must not be negative; 0 leaves a row out.");
          }
          w[count] = v;
        }
      }
      count++;
    }
  }

  /**
   * A target whose labels are all truth values written several ways (TRUE, true, T) has the two
   * classes {@code false} and {@code true}; the targets are recoded in place. Two labels (yes, no)
   * stay as they are.
   */
  static List<String> truthClasses(List<String> labels, float[] y, int nrow) {
    if (labels.size() <= 2 || !labels.stream().allMatch(l -> CsvScan.truth(l) >= 0)) {
      return labels;
    }
    List<String> classes = labels.stream().map(CsvTable::truthClass).distinct().sorted().toList();
    float[] recode = new float[labels.size()];
    for (int i = 0; i < recode.length; i++) {
      recode[i] = classes.indexOf(CsvTable.truthClass(labels.get(i)));
    }
    for (int i = 0; i < nrow; i++) {
      y[i] = recode[(int) y[i]];
    }
    return classes;
  }

  /** Sorts a column's levels as R sorts factor levels, and recodes the column's values in place. */
  static List<String> sortLevels(Levels levels, float[] values, int stride, int offset, int nrow) {
    List<String> texts = levels.texts();
    String[] sorted = texts.toArray(String[]::new);
    Arrays.sort(sorted);
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < sorted.length; i++) {
      position.put(sorted[i], i);
    }
    float[] recode = new float[texts.size()];
    for (int i = 0; i < recode.length; i++) {
      recode[i] = position.get(texts.get(i));
    }
    for (int i = 0; i < nrow; i++) {
      float v = values[i * stride + offset];
      if (v >= 0) {
        values[i * stride + offset] = recode[(int) v];
      }
    }
    return List.of(sorted);
  }

  private Guess guess(CsvScan scan, List<String[]> sample, int c) {
    List<String> values = new ArrayList<>();
    for (String[] r : sample) {
      if (r[c] != null && !scan.isNa(r[c])) {
        values.add(r[c].strip());
      }
    }
    if (values.isEmpty()) {
      return Guess.EMPTY;
    }
    if (values.stream().allMatch(scan::isNumber)) {
      return Guess.NUMBER;
    }
    if (values.stream().allMatch(v -> CsvScan.truth(v.toCharArray(), 0, v.length()) >= 0)) {
      return Guess.LOGICAL;
    }
    if (values.stream().allMatch(v -> DATE.matcher(v).matches())) {
      return Guess.DATE;
    }
    String name = scan.columns.get(c).name;
    List<String> odd = values.stream().filter(v -> !scan.isNumber(v)).distinct().toList();
    if (odd.size() <= 2 && odd.size() < values.size() && odd.stream().allMatch(v -> v.chars().noneMatch(Character::isLetterOrDigit))
        && values.stream().anyMatch(scan::isNumber)) {
      String tokens = String.join(",", odd);
      throw new TorchworkException(what + ": column '" + name + "' holds numbers and " + odd.stream().map(v -> "'" + v + "'")
          .collect(java.util.stream.Collectors.joining(" and ")) + ". If " + (odd.size() == 1 ? "it marks" : "they mark") + " a missing"
          + " value, give --na '" + String.join(",", spec.format.na()) + "," + tokens + "'; if the column holds categories, give --types "
          + name + "=categorical.");
    }
    if (spec.format.decimal() == '.' && values.stream().allMatch(v -> scan.isNumber(v) || DECIMAL_COMMA.matcher(v).matches())
        && values.stream().anyMatch(v -> DECIMAL_COMMA.matcher(v).matches())) {
      String example = values.stream().filter(v -> DECIMAL_COMMA.matcher(v).matches()).findFirst().orElse("");
      throw new TorchworkException(what + ": column '" + name + "' holds numbers written with a decimal comma, such as '" + example
          + "'. Read the file with --decimal ',' (and --sep ';' if its values are separated by semicolons); or, if they are labels,"
          + " give --types " + name + "=categorical.");
    }
    return Guess.CATEGORICAL;
  }

  private static String firstValue(CsvScan scan, List<String[]> sample, int c) {
    for (String[] r : sample) {
      if (r[c] != null && !scan.isNa(r[c])) {
        return r[c].strip();
      }
    }
    return "";
  }

  private static ColumnType declaredType(String given, Task like, int likeIndex) {
    if (like != null && likeIndex >= 0) {
      return like.featureType(likeIndex);
    }
    return given == null || CsvTable.IGNORED.equals(given) ? null : ColumnType.of(given);
  }

  private static String typeName(CsvScan.Column col, Guess guess) {
    if (guess == Guess.DATE) {
      return "date";
    }
    switch (col.kind) {
      case NUMBER:
        return col.whole ? "integer" : "numeric";
      case LOGICAL:
        return "logical";
      case LEVEL:
        return "categorical";
      default:
        return "-";
    }
  }

  private static TableReport.Column columnReport(CsvScan.Column col, Role role, String typeName, String note, boolean classes) {
    int distinct = -1;
    List<String> levels = List.of();
    if (col.kind == Kind.LEVEL && col.levels != null && !col.overflow) {
      distinct = col.levels.size();
      String[] sorted = col.levels.texts().toArray(String[]::new);
      Arrays.sort(sorted);
      levels = List.of(Arrays.copyOf(sorted, Math.min(sorted.length, classes ? sorted.length : LEVELS_SHOWN)));
    }
    boolean numbers = col.kind == Kind.NUMBER && col.min <= col.max;
    return new TableReport.Column(col.name, role, typeName, col.missing, distinct, levels, numbers ? col.min : Double.NaN,
        numbers ? col.max : Double.NaN, note);
  }

  private int find(List<String> names, String wanted, String role, String fix) {
    int i = names.indexOf(wanted);
    if (i >= 0) {
      return i;
    }
    List<String> rest = new ArrayList<>(names);
    throw new TorchworkException(what + " has no column '" + wanted + "'" + (role.isEmpty() ? "" : ", " + role) + "."
        + Names.didYouMean(wanted, rest) + " Its columns: " + String.join(", ", names) + "." + headerHint(names) + " " + fix);
  }

  /** Why the header may not be one: numbers where names belong, or a separator that was not recognised. */
  private String headerHint(List<String> header) {
    long numbers = header.stream().filter(h -> h.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")).count();
    if (numbers > 0 && numbers * 2 >= header.size()) {
      return " The first line holds numbers: the file seems to have no header row; add one naming the columns.";
    }
    if (header.size() == 1) {
      return " The file has one column: if its values are separated by another character, give it with --sep.";
    }
    return "";
  }

  private void requireApart(List<String> names, int a, String roleA, int b, String roleB) {
    if (a >= 0 && a == b) {
      throw new TorchworkException(what + ": column '" + names.get(a) + "' is named both as " + roleA + " and as " + roleB + ". A column"
          + " has one role; name another column for one of them.");
    }
  }

  /**
   * How a file of this kind is read: its decimal mark and missing-value tokens, where not the
   * defaults (the separator is detected in each file).
   */
  private static Map<String, String> formatSettings(CsvFormat format) {
    Map<String, String> m = new LinkedHashMap<>();
    if (format.decimal() != '.') {
      m.put("decimal", String.valueOf(format.decimal()));
    }
    if (!format.na().equals(CsvFormat.DEFAULT_NA)) {
      m.put("na", String.join(",", format.na()));
    }
    return m;
  }

  /** A classification target that looks like numbers to regress is refused, with the hint to use regr.*. */
  private void checkNotRegression(List<String> labels, String target) {
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
    if (fraction != null || numbers.size() > CsvTable.MAX_NUMERIC_CLASSES) {
      throw new TorchworkException(what + ": target '" + target + "' holds " + numbers.size()
          + " distinct numbers" + (fraction != null ? ", such as " + fraction + "," : "") + " which a classification learner"
          + " would treat as " + numbers.size() + " unrelated classes. To predict the number, use a regression learner"
          + " (e.g. --learner regr.mlp); if they really are class codes, write them as labels (e.g. c1, c2).");
    }
  }
}
