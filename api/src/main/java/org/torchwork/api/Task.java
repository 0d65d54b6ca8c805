package org.torchwork.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.torchwork.api.internal.TaskAccess;

/**
 * A supervised learning task: features and a target, held in memory, or, for data larger than
 * memory, features read from a {@link RowSource} (a file) as they are needed ({@link #isStreamed}).
 *
 * <p>Features are stored row-major as {@code float}s. Each feature has a {@link ColumnType}:
 * numbers (numeric, integer, logical), or a categorical feature whose value in a row is the index
 * of its level among {@link #levels(int)}. NaN marks a missing value in any feature; learners
 * impute missing values and encode categories with statistics of their training rows alone. For
 * classification the target of each row is the index of its class in {@link #classes()}; for
 * regression it is the value. Rows may carry weights ({@link #withWeights}). A task made with
 * {@link #unlabeled} has features only, for prediction: it has no type, target or classes. Tasks
 * are immutable.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class Task {
  private final String id;
  private final TaskType type;
  private final String target;
  private final List<String> features;
  private final List<String> classes;
  /** The features, row-major; null when they are read from {@link #stored}. */
  private final float[] x;
  /** Where the features are read from, for a task larger than memory; null when they are in {@link #x}. */
  private final RowSource stored;
  private final float[] y;
  private final int nrow;
  /** What the rows carry besides their features and targets. */
  private final Extras extras;

  /**
   * What a task's rows carry besides features and targets; one record so that each {@code with}
   * method changes one field.
   *
   * @param source the file the rows were read from, or null
   * @param types each feature's type; null when all are numeric
   * @param levels each feature's levels (empty unless categorical); null when all are numeric
   * @param weights each row's weight; null when the rows are not weighted
   * @param idColumn the source's column of row ids; null when none
   * @param readSettings how the source file was read; empty when not given
   * @param rowShape the shape of each row's features as a tensor; null for a flat row
   */
  private record Extras(Path source, List<ColumnType> types, List<List<String>> levels, float[] weights, String idColumn,
      Map<String, String> readSettings, int[] rowShape) {
    static final Extras NONE = new Extras(null, null, null, null, null, Map.of(), null);

    Extras source(Path p, Map<String, String> settings) {
      return new Extras(p, types, levels, weights, idColumn, settings, rowShape);
    }

    Extras types(List<ColumnType> t, List<List<String>> l) {
      return new Extras(source, t, l, weights, idColumn, readSettings, rowShape);
    }

    Extras weights(float[] w) {
      return new Extras(source, types, levels, w, idColumn, readSettings, rowShape);
    }

    Extras idColumn(String c) {
      return new Extras(source, types, levels, weights, c, readSettings, rowShape);
    }

    Extras rowShape(int[] shape) {
      return new Extras(source, types, levels, weights, idColumn, readSettings, shape);
    }
  }

  static {
    TaskAccess.register(Task::adopt);
  }

  private Task(Task task, Extras extras) {
    this.id = task.id;
    this.type = task.type;
    this.target = task.target;
    this.features = task.features;
    this.classes = task.classes;
    this.nrow = task.nrow;
    this.x = task.x;
    this.stored = task.stored;
    this.y = task.y;
    this.extras = extras;
  }

  /** A task whose features are read from {@code rows}; {@code y} is taken as it is. */
  private Task(String id, TaskType type, String target, List<String> features, List<String> classes, RowSource rows, float[] y) {
    this.extras = Extras.NONE;
    this.id = Objects.requireNonNull(id, "id");
    this.type = type;
    this.target = target;
    this.features = List.copyOf(features);
    this.classes = List.copyOf(classes);
    this.nrow = rows.nrow();
    this.x = null;
    this.stored = rows;
    this.y = y;
    if (features.isEmpty()) {
      throw new TorchworkException("Task '" + id + "' has no features; a task needs at least one feature column.");
    }
    if (rows.width() != features.size() || y.length != nrow) {
      throw new IllegalArgumentException("Task '" + id + "': rows of " + rows.width() + " values for " + features.size() + " features, "
          + y.length + " targets for " + nrow + " rows.");
    }
  }

  private Task(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y) {
    this(id, type, target, features, classes, x, y, y.length, true);
  }

  /** {@code x} and {@code y} are taken as they are unless {@code copy}; {@code x} may be longer than the rows need. */
  private Task(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y, int nrow,
      boolean copy) {
    this.extras = Extras.NONE;
    this.id = Objects.requireNonNull(id, "id");
    this.type = type;
    this.target = target;
    this.features = List.copyOf(features);
    this.classes = List.copyOf(classes);
    this.nrow = nrow;
    if (features.isEmpty()) {
      throw new TorchworkException("Task '" + id + "' has no features; a task needs at least one feature column"
          + (target == null ? "." : " besides the target '" + target + "'."));
    }
    if (new HashSet<>(features).size() != features.size()) {
      throw new TorchworkException("Task '" + id + "' names a feature twice in " + features + ". Features are matched by name;"
          + " give each a name of its own.");
    }
    if (copy ? x.length != (long) nrow * features.size() : x.length < (long) nrow * features.size() || y.length < nrow) {
      throw new IllegalArgumentException(
          "Task '" + id + "': " + x.length + " feature values for " + nrow + " rows and " + features.size() + " features.");
    }
    this.x = copy ? x.clone() : x;
    this.stored = null;
    this.y = copy ? y.clone() : y;
  }

  /** A task over arrays the caller hands over (see {@link TaskAccess}). */
  private static Task adopt(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y,
      int nrow) {
    return new Task(id, type, target, features, classes, x, y, nrow, false);
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
    return new Task(id, TaskType.CLASSIF, target, features, classes, x, classIndices(id, target, classes, y));
  }

  /** The class indices as the task keeps them, checked to index the classes, of which there are at least 2. */
  private static float[] classIndices(String id, String target, List<String> classes, int[] y) {
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
    return labels;
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
   * A classification task whose features are read from a {@link RowSource} (a file) as they are
   * needed, for data larger than memory; only the targets are held in memory.
   *
   * @param id the task's id
   * @param target the target column's name
   * @param features the feature names, {@code rows.width()} of them
   * @param classes the class labels
   * @param rows where the features are read from
   * @param y each row's class index into {@code classes}
   * @return the task
   * @since 0.3
   */
  public static Task classif(String id, String target, List<String> features, List<String> classes, RowSource rows, int[] y) {
    return new Task(id, TaskType.CLASSIF, target, features, classes, rows, classIndices(id, target, classes, y));
  }

  /**
   * A regression task whose features are read from a {@link RowSource} as they are needed.
   *
   * @param id the task's id
   * @param target the target column's name
   * @param features the feature names, {@code rows.width()} of them
   * @param rows where the features are read from
   * @param y each row's target value
   * @return the task
   * @since 0.3
   */
  public static Task regr(String id, String target, List<String> features, RowSource rows, float[] y) {
    return new Task(id, TaskType.REGR, Objects.requireNonNull(target, "target"), features, List.of(), rows, y.clone());
  }

  /**
   * A task with features only, to predict, read from a {@link RowSource} as they are needed.
   *
   * @param id the task's id
   * @param features the feature names, {@code rows.width()} of them
   * @param rows where the features are read from
   * @return the task
   * @since 0.3
   */
  public static Task unlabeled(String id, List<String> features, RowSource rows) {
    float[] y = new float[rows.nrow()];
    Arrays.fill(y, Float.NaN);
    return new Task(id, null, null, features, List.of(), rows, y);
  }

  /**
   * Whether the task's features are read from a {@link RowSource} as they are needed rather than
   * held in memory.
   *
   * @return true for a streamed task
   * @since 0.3
   */
  public boolean isStreamed() {
    return stored != null;
  }

  /**
   * Where a streamed task's features are read from.
   *
   * @return the source; empty for a task held in memory
   * @since 0.3
   */
  public Optional<RowSource> rowSource() {
    return Optional.ofNullable(stored);
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
    if (stored != null) {
      Objects.checkIndex(col, features.size());
      float[] one = new float[features.size()];
      stored.read(new int[] {row}, 0, 1, one);
      return one[col];
    }
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
    if (stored != null) {
      stored.read(rows, from, to, dest);
      return;
    }
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
    if (stored != null) {
      float[] sy = new float[rows.length];
      copyTargets(rows, 0, rows.length, sy);
      float[] sw = null;
      if (extras.weights() != null) {
        sw = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
          sw[i] = extras.weights()[rows[i]];
        }
      }
      // A view of the same file: nothing of the features is copied.
      return new Task(new Task(newId, type, target, features, classes, stored.view(rows), sy), extras.weights(sw));
    }
    int p = features.size();
    float[] sx = new float[rows.length * p];
    float[] sy = new float[rows.length];
    copyFeatures(rows, 0, rows.length, sx);
    copyTargets(rows, 0, rows.length, sy);
    float[] sw = null;
    if (extras.weights() != null) {
      sw = new float[rows.length];
      for (int i = 0; i < rows.length; i++) {
        sw[i] = extras.weights()[rows[i]];
      }
    }
    return new Task(new Task(newId, type, target, features, classes, sx, sy, rows.length, false), extras.weights(sw));
  }

  /**
   * The file the task's rows were read from, if any. Outputs of a run (logs, checkpoints) never
   * write over it.
   *
   * @return the file, absolute, or empty for a task built in memory
   * @since 0.2
   */
  public Optional<Path> source() {
    return Optional.ofNullable(extras.source());
  }

  /**
   * This task, noting the file its rows were read from; subsets keep it.
   *
   * @param file the file
   * @return the task with its source
   * @since 0.2
   */
  public Task withSource(Path file) {
    return new Task(this, extras.source(file.toAbsolutePath().normalize(), extras.readSettings()));
  }

  /**
   * This task with its features' types. A categorical feature's value in each row must be the
   * index of its level (0 for the first), or NaN where it is missing.
   *
   * @param featureTypes one type per feature, in feature order
   * @param featureLevels each categorical feature's levels in index order, by feature name
   * @return the task with the types
   * @throws TorchworkException when a type or level list is missing, or a categorical value is not
   *     the index of one of its levels
   * @since 0.3
   */
  public Task withFeatureTypes(List<ColumnType> featureTypes, Map<String, List<String>> featureLevels) {
    int p = features.size();
    if (featureTypes.size() != p) {
      throw new TorchworkException("Task '" + id + "' has " + p + " features but " + featureTypes.size() + " types were given."
          + " Give one type per feature, in feature order.");
    }
    List<List<String>> all = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      ColumnType t = Objects.requireNonNull(featureTypes.get(j), "type");
      List<String> given = featureLevels.get(features.get(j));
      if (t != ColumnType.CATEGORICAL) {
        if (given != null && !given.isEmpty()) {
          throw new TorchworkException("Task '" + id + "': feature '" + features.get(j) + "' is " + t + " but levels were given"
              + " for it. Give levels for categorical features only.");
        }
        all.add(List.of());
        continue;
      }
      if (given == null || given.isEmpty()) {
        throw new TorchworkException("Task '" + id + "': categorical feature '" + features.get(j) + "' has no levels. Give its"
            + " levels, in the order its values index them.");
      }
      List<String> copy = List.copyOf(given);
      if (new HashSet<>(copy).size() != copy.size()) {
        throw new TorchworkException("Task '" + id + "': categorical feature '" + features.get(j) + "' names a level twice in "
            + copy + ". Give each level once.");
      }
      for (int i = 0; i < nrow; i++) {
        float v = stored != null ? feature(i, j) : x[i * p + j];
        if (!Float.isNaN(v) && (v < 0 || v >= copy.size() || v != Math.rint(v))) {
          throw new TorchworkException("Task '" + id + "' row " + (i + 1) + ", categorical feature '" + features.get(j) + "': " + v
              + " is not the index of one of its " + copy.size() + " levels. Give 0 for its first level, 1 for the second, ...,"
              + " or NaN where it is missing.");
        }
      }
      all.add(copy);
    }
    boolean numeric = featureTypes.stream().noneMatch(t -> t != ColumnType.NUMERIC);
    return new Task(this, extras.types(numeric ? null : List.copyOf(featureTypes), numeric ? null : Collections.unmodifiableList(all)));
  }

  /**
   * This task with a weight per row: a row of weight 2 trains as the same row twice would.
   *
   * @param rowWeights one finite, non-negative weight per row, not all 0; null for none
   * @return the task with the weights
   * @throws TorchworkException naming the first row whose weight is not allowed
   * @since 0.3
   */
  public Task withWeights(float[] rowWeights) {
    if (rowWeights == null) {
      return new Task(this, extras.weights(null));
    }
    if (rowWeights.length != nrow) {
      throw new TorchworkException("Task '" + id + "' has " + nrow + " rows but " + rowWeights.length + " weights were given. Give"
          + " one weight per row.");
    }
    boolean any = false;
    for (int i = 0; i < nrow; i++) {
      float w = rowWeights[i];
      if (!Float.isFinite(w) || w < 0) {
        throw new TorchworkException("Task '" + id + "' row " + (i + 1) + " has weight " + w + ". Weights must be finite and not"
            + " negative; give the row weight 0 to leave it out.");
      }
      any |= w > 0;
    }
    if (!any) {
      throw new TorchworkException("Task '" + id + "': every row has weight 0, so there is nothing to learn from. Give some rows a"
          + " positive weight.");
    }
    return new Task(this, extras.weights(rowWeights.clone()));
  }

  /**
   * This task, noting the column of its source that identifies the rows (mlr3's {@code name} role):
   * never a feature; a model trained on the task writes it as the first column of its predictions.
   *
   * @param column the column's name, or null for none
   * @return the task with it
   * @since 0.3
   */
  public Task withIdColumn(String column) {
    return new Task(this, extras.idColumn(column));
  }

  /**
   * This task, noting the file its rows were read from and how it was read, so that files of the
   * same kind (a model's data to predict) are read alike.
   *
   * @param file the file
   * @param settings how it was read, as its reader takes them: e.g. {@code sep}, {@code decimal},
   *     {@code na}
   * @return the task with its source
   * @since 0.3
   */
  public Task withSource(Path file, Map<String, String> settings) {
    return new Task(this, extras.source(file.toAbsolutePath().normalize(), Map.copyOf(settings)));
  }

  /**
   * How the task's source file was read ({@link #withSource(Path, Map)}).
   *
   * @return the settings; empty when none were noted
   * @since 0.3
   */
  public Map<String, String> readSettings() {
    return extras.readSettings();
  }

  /**
   * The column of the task's source that identifies the rows.
   *
   * @return the column's name, or empty when none was given
   * @since 0.3
   */
  public Optional<String> idColumn() {
    return Optional.ofNullable(extras.idColumn());
  }

  /**
   * This task, its rows' features taken as tensors of a shape: C x H x W for an image, T x F for a
   * sequence. The features stay stored row-major, one per element (in the tensor's own row-major
   * order); a network gets a batch as an array of shape {@code (rows, dims...)}.
   *
   * @param dims the shape of one row; their product must be the number of features
   * @return the task with the shape
   * @throws TorchworkException when the product differs from the number of features or a size is
   *     below 1
   * @since 0.3
   */
  public Task withRowShape(int... dims) {
    long product = 1;
    for (int d : dims) {
      if (d < 1) {
        throw new TorchworkException("Task '" + id + "': row shape " + Arrays.toString(dims) + " has a size below 1. Give sizes of at"
            + " least 1.");
      }
      product *= d;
    }
    if (dims.length == 0 || product != features.size()) {
      throw new TorchworkException("Task '" + id + "': row shape " + Arrays.toString(dims) + " holds " + product + " values, but a row"
          + " has " + features.size() + " features. Give a shape whose sizes multiply to the number of features.");
    }
    return new Task(this, extras.rowShape(dims.clone()));
  }

  /**
   * The shape of one row's features as a tensor.
   *
   * @return a copy of the shape; {@code {nfeatures()}} for a task without one
   * @since 0.3
   */
  public int[] rowShape() {
    return extras.rowShape() == null ? new int[] {features.size()} : extras.rowShape().clone();
  }

  /**
   * Whether the rows are tensors of a shape given with {@link #withRowShape}, rather than flat.
   *
   * @return true when a shape was given
   * @since 0.3
   */
  public boolean hasRowShape() {
    return extras.rowShape() != null;
  }

  /**
   * One feature's type.
   *
   * @param col the feature index
   * @return the type; numeric unless set with {@link #withFeatureTypes}
   * @since 0.3
   */
  public ColumnType featureType(int col) {
    Objects.checkIndex(col, features.size());
    return extras.types() == null ? ColumnType.NUMERIC : extras.types().get(col);
  }

  /**
   * Every feature's type, in feature order.
   *
   * @return an unmodifiable list
   * @since 0.3
   */
  public List<ColumnType> featureTypes() {
    return extras.types() != null ? extras.types() : Collections.nCopies(features.size(), ColumnType.NUMERIC);
  }

  /**
   * A categorical feature's levels, which its values index.
   *
   * @param col the feature index
   * @return the levels in index order; empty for a feature that is not categorical
   * @since 0.3
   */
  public List<String> levels(int col) {
    Objects.checkIndex(col, features.size());
    return extras.levels() == null ? List.of() : extras.levels().get(col);
  }

  /**
   * How many rows miss a feature's value (hold NaN), as mlr3's {@code task$missings()} counts.
   *
   * @param col the feature index
   * @return the count
   * @since 0.3
   */
  public int missingCount(int col) {
    Objects.checkIndex(col, features.size());
    int p = features.size();
    int n = 0;
    if (stored != null) {
      // A chunk of rows at a time, in file order.
      int chunk = Math.max(1, 65_536 / p);
      float[] values = new float[chunk * p];
      int[] order = new int[nrow];
      Arrays.setAll(order, i -> i);
      for (int from = 0; from < nrow; from += chunk) {
        int to = Math.min(nrow, from + chunk);
        stored.read(order, from, to, values);
        for (int i = 0; i < to - from; i++) {
          if (Float.isNaN(values[i * p + col])) {
            n++;
          }
        }
      }
      return n;
    }
    for (int i = 0; i < nrow; i++) {
      if (Float.isNaN(x[i * p + col])) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether the rows carry weights.
   *
   * @return true when {@link #withWeights} gave them
   * @since 0.3
   */
  public boolean hasWeights() {
    return extras.weights() != null;
  }

  /**
   * One row's weight.
   *
   * @param row the row index
   * @return the weight; 1 when the rows are not weighted
   * @since 0.3
   */
  public float weight(int row) {
    Objects.checkIndex(row, nrow);
    return extras.weights() == null ? 1f : extras.weights()[row];
  }

  @Override
  public String toString() {
    if (!hasTarget()) {
      return "<Task:" + id + "> (" + nrow + " x " + features.size() + ", no target)\n* Features (" + features.size() + "): "
          + featureList();
    }
    return "<Task" + (type == TaskType.CLASSIF ? "Classif" : "Regr") + ":" + id + "> (" + nrow + " x " + (features.size() + 1) + ")\n"
        + "* Target: " + target + (type == TaskType.CLASSIF ? " (" + String.join(", ", classes) + ")" : "") + "\n"
        + "* Features (" + features.size() + "): " + featureList() + (extras.weights() == null ? "" : "\n* Weights: yes")
        + (stored == null ? "" : "\n* Rows read from: " + stored.describe());
  }

  /** The feature names, with their types when not all are numeric. */
  private String featureList() {
    if (extras.types() == null) {
      return String.join(", ", features);
    }
    List<String> named = new ArrayList<>();
    for (int j = 0; j < features.size(); j++) {
      named.add(features.get(j) + " (" + extras.types().get(j) + ")");
    }
    return String.join(", ", named);
  }
}
