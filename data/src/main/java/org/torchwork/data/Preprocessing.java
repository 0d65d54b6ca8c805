package org.torchwork.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.torchwork.api.ColumnType;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/**
 * How a task's features become the numbers a network takes, learned from the training rows
 * alone and saved with the model, so that validation rows and every later prediction are
 * prepared exactly as the training rows were (mlr3pipelines' {@code po("imputemedian")},
 * {@code po("imputeoor")}, {@code po("missind")} and {@code po("encode")} in one step).
 *
 * <ul>
 *   <li>A missing number is replaced by the training rows' median (or mean; rounded for integer
 *       and logical features); with indicators, a 0/1 column {@code <feature>.missing} follows each
 *       numeric feature that missed values in training.
 *   <li>A categorical feature becomes one 0/1 column per level seen in training
 *       ({@code <feature>=<level>}), plus {@code <feature>=.missing} when training rows missed it
 *       ({@link #ONE_HOT}); or, for networks that learn embeddings ({@link #INDICES}), one column of
 *       level indices, after all numeric columns, whose last index stands for missing values.
 *   <li>A level that training never saw is taken as missing: the {@code .missing} column, or none at
 *       all when training had no missing value; the reserved index with {@link #INDICES}.
 * </ul>
 *
 * @param categories {@link #ONE_HOT} or {@link #INDICES}
 * @param impute {@code median}, {@code mean} or {@code none} (missing values refused)
 * @param inputs the features the data must have, in the order they are read
 * @param shape the shape of one row as the network gets it (C, H, W for images); empty for a flat
 *     row
 */
public record Preprocessing(String categories, String impute, List<Preprocessing.Input> inputs, List<Integer> shape) {
  /** Categories one-hot encoded. */
  public static final String ONE_HOT = "one_hot";
  /** Categories as level indices, for embeddings. */
  public static final String INDICES = "indices";
  /** The name of the level that stands for missing and unseen values. */
  public static final String MISSING = ".missing";

  /**
   * One feature the data must have, and how it is prepared.
   *
   * @param name its name
   * @param type its type in training
   * @param levels the levels seen in training (categorical), sorted
   * @param fill what replaces a missing number; null for categorical features, and with
   *     {@code impute=none}
   * @param indicator whether a {@code .missing} column follows it
   * @param missingLevel whether a categorical feature has a {@code .missing} column (it missed
   *     values in training)
   */
  public record Input(String name, ColumnType type, List<String> levels, Double fill, boolean indicator, boolean missingLevel) {
    /**
     * Checks the fields (as read from a saved model).
     *
     * @param name its name
     * @param type its type in training
     * @param levels the levels seen in training (categorical)
     * @param fill what replaces a missing number, or null
     * @param indicator whether a {@code .missing} column follows it
     * @param missingLevel whether a categorical feature has a {@code .missing} column
     * @throws TorchworkException naming what is wrong
     */
    public Input {
      if (name == null || type == null) {
        throw new TorchworkException("A preprocessing input has no name or type.");
      }
      levels = levels == null ? List.of() : List.copyOf(levels);
      if (type == ColumnType.CATEGORICAL && fill != null) {
        throw new TorchworkException("Categorical input '" + name + "' has a fill value.");
      }
      if (fill != null && !Double.isFinite(fill)) {
        throw new TorchworkException("Input '" + name + "' has fill value " + fill + "; it must be finite.");
      }
    }

    boolean categorical() {
      return type == ColumnType.CATEGORICAL;
    }
  }

  /**
   * Checks the fields (as read from a saved model).
   *
   * @param categories {@link #ONE_HOT} or {@link #INDICES}
   * @param impute {@code median}, {@code mean} or {@code none}
   * @param inputs the features the data must have, in order
   * @param shape the shape of one row; null or empty for a flat row
   * @throws TorchworkException naming what is wrong
   */
  public Preprocessing {
    if (!ONE_HOT.equals(categories) && !INDICES.equals(categories)) {
      throw new TorchworkException("A preprocessing encodes categories as '" + categories + "'; it must be " + ONE_HOT + " or "
          + INDICES + ".");
    }
    if (!List.of("median", "mean", "none").contains(impute)) {
      throw new TorchworkException("A preprocessing imputes with '" + impute + "'; it must be median, mean or none.");
    }
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    if (inputs.isEmpty()) {
      throw new TorchworkException("A preprocessing has no inputs.");
    }
    shape = shape == null ? List.of() : List.copyOf(shape);
    if (!shape.isEmpty() && shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b) != inputs.size()) {
      throw new TorchworkException("A preprocessing's row shape " + shape + " does not hold its " + inputs.size() + " inputs.");
    }
  }

  /**
   * Learns the preprocessing from training rows.
   *
   * @param train the training rows
   * @param categories {@link #ONE_HOT} or {@link #INDICES}
   * @param impute {@code median}, {@code mean} or {@code none}
   * @param indicators whether to add a {@code .missing} column for each numeric feature with
   *     missing values
   * @param maxLevels the most levels a feature may have for one-hot encoding
   * @return the preprocessing
   * @throws TorchworkException when {@code impute=none} and values are missing (with the count
   *     per feature), or a feature has too many levels to one-hot encode
   */
  public static Preprocessing fit(Task train, String categories, String impute, boolean indicators, int maxLevels) {
    if (train.hasRowShape()) {
      // Tensors (images) are taken as they are; a missing value among them is refused.
      return numeric(train.featureNames()).withShape(train.rowShape());
    }
    if (train.isStreamed()) {
      // Rows read from a file as they are needed: numbers, none missing (the cache refuses others when built).
      return numeric(train.featureNames());
    }
    int n = train.nrow();
    int p = train.nfeatures();
    List<Input> inputs = new ArrayList<>();
    Map<String, Integer> missing = new LinkedHashMap<>();
    float[] column = new float[n];
    for (int j = 0; j < p; j++) {
      String name = train.featureNames().get(j);
      ColumnType type = train.featureType(j);
      int present = 0;
      int absent = 0;
      for (int i = 0; i < n; i++) {
        float v = train.feature(i, j);
        if (Float.isNaN(v)) {
          absent++;
        } else {
          column[present++] = v;
        }
      }
      if (absent > 0) {
        missing.put(name, absent);
      }
      if (type == ColumnType.CATEGORICAL) {
        List<String> all = train.levels(j);
        boolean[] seen = new boolean[all.size()];
        for (int i = 0; i < present; i++) {
          seen[(int) column[i]] = true;
        }
        List<String> levels = new ArrayList<>();
        for (int l = 0; l < all.size(); l++) {
          if (seen[l]) {
            levels.add(all.get(l));
          }
        }
        if (ONE_HOT.equals(categories) && levels.size() > maxLevels) {
          throw new TorchworkException("Feature '" + name + "' of task '" + train.id() + "' has " + levels.size() + " levels, more than"
              + " max_levels=" + maxLevels + " allows for one-hot encoding. Use a learner that learns embeddings of categories"
              + " (tab_resnet, ft_transformer), drop the column (--drop " + name + "), or raise max_levels.");
        }
        inputs.add(new Input(name, type, levels, null, false, absent > 0));
      } else {
        Double fill = impute.equals("none") ? null : present == 0 ? 0.0 : impute.equals("mean") ? mean(column, present)
            : median(column, present);
        if (fill != null && type != ColumnType.NUMERIC) {
          fill = (double) Math.round(fill);
        }
        inputs.add(new Input(name, type, List.of(), fill, indicators && absent > 0 && fill != null, false));
      }
    }
    if (impute.equals("none") && !missing.isEmpty()) {
      throw missingRefused(train.id(), missing);
    }
    return new Preprocessing(categories, impute, inputs, List.of());
  }

  /**
   * The preprocessing of a model saved before preprocessing was recorded: numbers as they are,
   * none missing.
   *
   * @param features the features, in the network's order
   * @return the preprocessing
   */
  public static Preprocessing numeric(List<String> features) {
    List<Input> inputs = new ArrayList<>();
    features.forEach(f -> inputs.add(new Input(f, ColumnType.NUMERIC, List.of(), null, false, false)));
    return new Preprocessing(ONE_HOT, "none", inputs, List.of());
  }

  /**
   * This preprocessing giving the network each row as a tensor of a shape.
   *
   * @param dims the shape; its sizes multiply to the number of inputs
   * @return a copy
   */
  public Preprocessing withShape(int... dims) {
    List<Integer> s = new ArrayList<>();
    for (int d : dims) {
      s.add(d);
    }
    return new Preprocessing(categories, impute, inputs, s);
  }

  /**
   * The shape of one row as the network gets it.
   *
   * @return {@link #shape()}, or {@code [width()]} for a flat row
   */
  public List<Integer> dims() {
    return shape.isEmpty() ? List.of(width()) : shape;
  }

  /**
   * The shape of a batch of rows as the network gets it.
   *
   * @param rows the rows
   * @return {@code (rows, dims...)}
   */
  public long[] batch(long rows) {
    List<Integer> d = dims();
    long[] out = new long[d.size() + 1];
    out[0] = rows;
    for (int i = 0; i < d.size(); i++) {
      out[i + 1] = d.get(i);
    }
    return out;
  }

  private static TorchworkException missingRefused(String task, Map<String, Integer> missing) {
    List<String> counts = new ArrayList<>();
    missing.forEach((f, k) -> counts.add(f + ": " + k));
    return new TorchworkException("Task '" + task + "' has missing values (" + String.join(", ", counts) + " row(s)), and impute=none"
        + " refuses them. Set impute=median (the default) or impute=mean, or remove those rows.");
  }

  private static double mean(float[] values, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += values[i];
    }
    return sum / n;
  }

  /**
   * The median, as R's {@code median}: the mean of the two middle values of an even count; as the
   * float the data holds, written as it reads (26.7, not 26.700000762939453).
   */
  static double median(float[] values, int n) {
    float[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    float m = n % 2 == 1 ? v[n / 2] : (float) (((double) v[n / 2 - 1] + v[n / 2]) / 2);
    return Double.parseDouble(Float.toString(m));
  }

  /**
   * How many columns the network takes.
   *
   * @return the encoded width
   */
  public int width() {
    int w = 0;
    for (Input in : inputs) {
      w += columns(in);
    }
    return w;
  }

  private int columns(Input in) {
    if (!in.categorical()) {
      return in.indicator() ? 2 : 1;
    }
    return INDICES.equals(categories) ? 1 : in.levels().size() + (in.missingLevel() ? 1 : 0);
  }

  /**
   * The names of the columns the network takes, in order.
   *
   * @return the names
   */
  public List<String> encodedNames() {
    List<String> numeric = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (Input in : inputs) {
      if (!in.categorical()) {
        numeric.add(in.name());
        if (in.indicator()) {
          numeric.add(in.name() + MISSING);
        }
      } else if (INDICES.equals(categories)) {
        codes.add(in.name());
      } else {
        in.levels().forEach(l -> numeric.add(in.name() + "=" + l));
        if (in.missingLevel()) {
          numeric.add(in.name() + "=" + MISSING);
        }
      }
    }
    numeric.addAll(codes);
    return numeric;
  }

  /**
   * The number of levels of each categorical column with {@link #INDICES} (those seen in training
   * and one for missing and unseen values), in column order; empty with {@link #ONE_HOT}.
   *
   * @return the counts
   */
  public List<Integer> cardinalities() {
    List<Integer> out = new ArrayList<>();
    if (INDICES.equals(categories)) {
      inputs.stream().filter(Input::categorical).forEach(in -> out.add(in.levels().size() + 1));
    }
    return out;
  }

  /**
   * Which encoded columns hold numbers that standardization may scale: numeric and integer
   * features, not indicators, one-hot columns, logical features or level indices.
   *
   * @return one flag per encoded column
   */
  public boolean[] scalable() {
    boolean[] out = new boolean[width()];
    int o = 0;
    for (Input in : inputs) {
      if (!in.categorical()) {
        out[o] = in.type() == ColumnType.NUMERIC || in.type() == ColumnType.INTEGER;
        o += in.indicator() ? 2 : 1;
      } else if (!INDICES.equals(categories)) {
        o += columns(in);
      }
    }
    return out;
  }

  /**
   * The features the data must have.
   *
   * @return their names, in order
   */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    inputs.forEach(in -> names.add(in.name()));
    return names;
  }

  /**
   * Encodes one row.
   *
   * @param raw the row's values in input order: numbers (NaN where missing); for a categorical
   *     input the index of its level among the input's levels, NaN where missing, -1 for a level
   *     training never saw
   * @param rawOff where the row starts in {@code raw}
   * @param out receives {@link #width()} values
   * @param outOff where they start
   * @return the index of the first input whose missing value cannot be imputed
   *     ({@code impute=none}), or -1
   */
  public int encodeRow(float[] raw, int rawOff, float[] out, int outOff) {
    int o = outOff;
    boolean indices = INDICES.equals(categories);
    int codes = outOff + (indices ? numericWidth() : 0);
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      float v = raw[rawOff + i];
      if (!in.categorical()) {
        boolean absent = Float.isNaN(v);
        if (absent && in.fill() == null) {
          return i;
        }
        out[o++] = absent ? (float) (double) in.fill() : v;
        if (in.indicator()) {
          out[o++] = absent ? 1 : 0;
        }
      } else if (indices) {
        if ((Float.isNaN(v) || v < 0) && impute.equals("none")) {
          return i;
        }
        out[codes++] = v >= 0 ? v : in.levels().size();
      } else {
        if ((Float.isNaN(v) || v < 0) && impute.equals("none")) {
          return i;
        }
        int width = columns(in);
        Arrays.fill(out, o, o + width, 0f);
        if (v >= 0) {
          out[o + (int) v] = 1;
        } else if (in.missingLevel()) {
          out[o + in.levels().size()] = 1;
        }
        o += width;
      }
    }
    return -1;
  }

  /**
   * Why a value cannot be encoded with {@code impute=none}.
   *
   * @param raw the value as {@link #encodeRow} takes it
   * @return the reason and the fix
   */
  public static String refusal(float raw) {
    return (Float.isNaN(raw) ? "the value is missing" : "the level is one training never saw") + ", and the model was trained with"
        + " impute=none, which has nothing to put in its place. Give a value training saw, or train with impute=median.";
  }

  private int numericWidth() {
    int w = 0;
    for (Input in : inputs) {
      if (!in.categorical()) {
        w += in.indicator() ? 2 : 1;
      }
    }
    return w;
  }

  /**
   * Prepares a task: its features matched by name (in any order; others ignored), categories
   * matched by label.
   *
   * @param task the task, with the features the preprocessing was learned on
   * @param role how messages name it, e.g. {@code "Validation task"}
   * @param unseen receives, by feature, how many rows held each level training never saw; may be
   *     null
   * @return a task of the encoded columns, all numbers, with the task's target, classes, weights
   *     and source
   * @throws TorchworkException when a feature is missing, its type changed, a value is infinite,
   *     or a value is missing with {@code impute=none}
   */
  public Task encode(Task task, String role, Map<String, Map<String, Long>> unseen) {
    int n = task.nrow();
    int[] columns = Tasks.featureIndex(task, names(), "the model");
    float[][] codes = new float[inputs.size()][];
    for (int i = 0; i < inputs.size(); i++) {
      Input in = inputs.get(i);
      int j = columns[i];
      ColumnType given = task.featureType(j);
      if (!in.categorical() && given == ColumnType.CATEGORICAL) {
        throw new TorchworkException(role + " '" + task.id() + "': feature '" + in.name() + "' is categorical, but the model was trained"
            + " on it as " + in.type() + " (numbers). Give the feature as numbers, as in training.");
      }
      if (in.categorical()) {
        codes[i] = levelCodes(in, given == ColumnType.CATEGORICAL ? task.levels(j) : null);
      }
    }
    if (identity(task, columns)) {
      return task;
    }
    if (task.isStreamed()) {
      return pickStreamed(task, role, columns);
    }
    int width = width();
    if ((long) n * width > Limits.MAX_ARRAY) {
      throw new TorchworkException(role + " '" + task.id() + "': " + n + " rows of " + width + " columns once encoded (one per level of"
          + " each categorical feature) are more values than one array holds (" + Limits.MAX_ARRAY + "). Use fewer rows, drop"
          + " categorical features with many levels, or use a learner that learns embeddings of categories.");
    }
    float[] raw = new float[inputs.size()];
    float[] x = new float[n * width];
    Map<String, Map<String, Long>> seen = unseen == null ? new LinkedHashMap<>() : unseen;
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < inputs.size(); i++) {
        float v = task.feature(r, columns[i]);
        Input in = inputs.get(i);
        if (Float.isInfinite(v)) {
          throw new TorchworkException(role + " '" + task.id() + "' row " + (r + 1) + ", feature '" + in.name() + "': " + v + " is not a"
              + " finite number. Networks cannot learn from it; remove the value or leave it missing (NaN) to be imputed.");
        }
        if (in.categorical() && !Float.isNaN(v)) {
          float code = codes[i] != null ? codeOf(codes[i], v) : numberCode(in, v);
          if (code < 0) {
            String label = codes[i] != null ? task.levels(columns[i]).get((int) v) : Float.toString(v);
            seen.computeIfAbsent(in.name(), k -> new LinkedHashMap<>()).merge(label, 1L, Long::sum);
          }
          v = code;
        }
        raw[i] = v;
      }
      int refused = encodeRow(raw, 0, x, r * width);
      if (refused >= 0) {
        throw new TorchworkException(role + " '" + task.id() + "' row " + (r + 1) + ", feature '" + inputs.get(refused).name() + "': "
            + refusal(raw[refused]));
      }
    }
    return Tasks.withFeatures(task, encodedNames(), x);
  }

  /**
   * A streamed task's columns as the model takes them, picked from each row as it is read. Encoding
   * categories or marking missing values needs the rows in memory, and is refused.
   */
  private Task pickStreamed(Task task, String role, int[] columns) {
    RowSource raw = task.rowSource().orElseThrow();
    for (Input in : inputs) {
      if (in.categorical() || in.indicator()) {
        throw new TorchworkException(role + " '" + task.id() + "' is streamed from " + raw.describe() + ", but the model "
            + (in.categorical() ? "encodes feature '" + in.name() + "' as categories" : "marks missing values of '" + in.name() + "'")
            + ", which needs the rows in memory. Read the data into memory (without --stream), or use a model trained on streamed"
            + " data.");
      }
    }
    int width = raw.width();
    int[] picked = columns.clone();
    return Tasks.withRows(task, encodedNames(), new RowSource() {
      @Override
      public int nrow() {
        return raw.nrow();
      }

      @Override
      public int width() {
        return picked.length;
      }

      @Override
      public void read(int[] rows, int from, int to, float[] dest) {
        float[] all = new float[(to - from) * width];
        raw.read(rows, from, to, all);
        for (int i = 0; i < to - from; i++) {
          for (int j = 0; j < picked.length; j++) {
            dest[i * picked.length + j] = all[i * width + picked[j]];
          }
        }
      }

      @Override
      public String describe() {
        return raw.describe();
      }
    });
  }

  /** Whether the task's features already are the encoded columns: numbers, in order, none missing or infinite. */
  private boolean identity(Task task, int[] columns) {
    if (inputs.size() != task.nfeatures()) {
      return false;
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (columns[i] != i || inputs.get(i).categorical() || inputs.get(i).indicator()) {
        return false;
      }
    }
    if (task.isStreamed()) {
      // Its source gives finite numbers (RowSource's contract); reading every row here would cost a pass over the file.
      return true;
    }
    for (int r = 0; r < task.nrow(); r++) {
      for (int j = 0; j < task.nfeatures(); j++) {
        if (!Float.isFinite(task.feature(r, j))) {
          return false;
        }
      }
    }
    return true;
  }

  /** For each of a task's levels of a feature, its index among the input's levels, or -1. */
  private static float[] levelCodes(Input in, List<String> taskLevels) {
    if (taskLevels == null) {
      return null;
    }
    Map<String, Integer> index = new HashMap<>();
    for (int l = 0; l < in.levels().size(); l++) {
      index.put(in.levels().get(l), l);
    }
    float[] codes = new float[taskLevels.size()];
    for (int l = 0; l < codes.length; l++) {
      codes[l] = index.getOrDefault(taskLevels.get(l), -1);
    }
    return codes;
  }

  private static float codeOf(float[] codes, float v) {
    return codes[(int) v];
  }

  /** A number given for a categorical input: its label as written without a fraction, e.g. 3 for 3.0. */
  private static float numberCode(Input in, float v) {
    String label = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Float.toString(v);
    return in.levels().indexOf(label);
  }

  /**
   * Describes the preprocessing for people, one line per input.
   *
   * @return the lines
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (!shape.isEmpty()) {
      lines.add(inputs.size() + " values (" + inputs.get(0).name() + " ... " + inputs.get(inputs.size() - 1).name() + ") as a tensor of"
          + " shape " + String.join(" x ", shape.stream().map(String::valueOf).toList()) + "; missing values refused");
      return lines;
    }
    for (Input in : inputs) {
      if (in.categorical()) {
        List<String> shown = in.levels().subList(0, Math.min(5, in.levels().size()));
        lines.add(in.name() + ": categorical, " + in.levels().size() + " level(s) (" + String.join(", ", shown)
            + (in.levels().size() > shown.size() ? ", ..." : "") + "), " + (INDICES.equals(categories) ? "as level indices" : "one-hot")
            + (in.missingLevel() || INDICES.equals(categories) ? "; missing and unseen levels as " + MISSING
            : "; missing and unseen levels as none of them"));
      } else {
        lines.add(in.name() + ": " + in.type() + (in.fill() == null ? "; missing values refused" : "; missing -> " + impute + " "
            + compact(in.fill())) + (in.indicator() ? ", flagged in " + in.name() + MISSING : ""));
      }
    }
    return lines;
  }

  private static String compact(double v) {
    return new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
  }
}
