package org.torchwork.runtime.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.PredictionReport;
import org.torchwork.runtime.builtin.BuiltinMeasures;
import org.torchwork.data.CsvFormat;
import org.torchwork.data.CsvTable;
import org.torchwork.data.Limits;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.RowReader;
import org.torchwork.runtime.store.AtomicFiles;
import org.torchwork.runtime.store.Folders;
import org.torchwork.runtime.store.ModelFiles;

/**
 * Predicts a CSV file of any size, a batch at a time: columns are found by name in any order
 * (extra ones are ignored) and read as the types they had in training, each batch is read,
 * prepared, predicted and written before the next is read, so memory stays flat however long the
 * file is, scores included: each built-in measure keeps a running sum (a third-party measure,
 * which may need every row at once, keeps the rows with a known truth). Truth values and levels
 * the model never saw are counted, not fatal. The model's id column, when the file has it, is the
 * first column of the output.
 */
public final class CsvPredictor {
  /** How many predicted rows a report keeps, to show. */
  public static final int HEAD_ROWS = 10;

  private final Forward forward;
  private final TaskType type;
  private final String target;
  private final List<String> classes;
  private final CsvFormat format;
  private final String id;

  /**
   * Prepares to predict files for a model.
   *
   * @param forward the model's network and preprocessing
   * @param type the task type
   * @param target the target column's name
   * @param classes the class labels; empty for regression
   * @param format how the files are written
   * @param id the id column to carry into the output when a file has it, or null
   */
  public CsvPredictor(Forward forward, TaskType type, String target, List<String> classes, CsvFormat format, String id) {
    this.forward = forward;
    this.type = type;
    this.target = target;
    this.classes = classes;
    this.format = format;
    this.id = id;
  }

  /**
   * Predicts a file.
   *
   * @param data the CSV file
   * @param sink where the predictions go, as CSV; null to write none (the report still has the
   *     first rows)
   * @param measures the measures to score with, which need the target column; null for the
   *     default measures of the task type, scored when the file has the target
   * @param batchSize rows per batch
   * @param headRows how many output rows to keep in the report
   * @return what was predicted
   * @throws IOException when reading the data fails
   * @throws UncheckedIOException when writing the predictions fails
   * @throws TorchworkException naming the file, line and column of bad data
   */
  public PredictionReport run(Path data, Writer sink, List<Measure> measures, int batchSize, int headRows) throws IOException {
    try (RowReader csv = new RowReader(data, format, forward.preprocessing(), target, id, "Data file")) {
      return run(new FileRows(csv, data), sink, measures, batchSize, headRows);
    }
  }

  /**
   * Predicts a task's rows (images read from an IDX file or a folder, say), as {@link #run(Path,
   * Writer, List, int, int)} predicts a file's.
   *
   * @param task the rows, with the target when they have one
   * @param idName the name of the first output column, e.g. {@code image}
   * @param ids each row's id, e.g. its file name; null to number the rows from 1
   * @param sink where the predictions go, as CSV; null to write none
   * @param measures the measures to score with; null for the defaults when the task has a target
   * @param batchSize rows per batch
   * @param headRows how many output rows to keep in the report
   * @return what was predicted
   * @throws UncheckedIOException when writing the predictions fails
   */
  public PredictionReport run(Task task, String idName, List<String> ids, Writer sink, List<Measure> measures, int batchSize,
      int headRows) {
    try {
      return run(new TaskRows(task, idName, ids), sink, measures, batchSize, headRows);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the predictions failed", e);
    }
  }

  private PredictionReport run(Rows source, Writer sink, List<Measure> measures, int batchSize, int headRows) throws IOException {
    long start = System.nanoTime();
    Writer out = sink == null ? null : new OutputWriter(sink);
    boolean hasTruth = source.hasTruth();
    if (measures == null) {
      measures = hasTruth ? defaultMeasures(type) : List.of();
    } else if (!hasTruth && !measures.isEmpty()) {
      throw new TorchworkException(source.name() + " has no column '" + target + "', the model's target, so there is no truth to"
          + " score. Add the column, or leave out the measures (--score).");
    }
    Map<String, Integer> codes = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      codes.put(classes.get(c), c);
    }
    int width = forward.preprocessing().width();
    Limits.checkBatchBuffer(batchSize, width, "--batch-size");
    List<String> columns = new ArrayList<>(List.of(source.idColumn() != null ? source.idColumn() : "row_id"));
    if (hasTruth) {
      columns.add("truth");
    }
    columns.add("response");
    classes.forEach(c -> columns.add("prob." + c));
    if (out != null) {
      out.write(String.join(",", columns.stream().map(CsvPredictor::quote).toList()));
      out.write('\n');
    }
    Batch batch = new Batch(batchSize, width, hasTruth, source.idColumn() != null);
    Scoring scoring = new Scoring(hasTruth ? measures : List.of());
    List<List<String>> head = new ArrayList<>();
    Map<String, Long> unseen = new LinkedHashMap<>();
    long rows = 0;
    long missingTruth = 0;
    while (source.next()) {
      int i = batch.rows;
      source.encode(batch.x, i * width);
      if (batch.ids != null) {
        batch.ids[i] = source.id() == null ? "" : source.id();
      }
      if (hasTruth) {
        String label = source.truth();
        batch.labels[i] = label == null ? "" : label;
        if (label == null) {
          batch.truth[i] = Float.NaN;
          missingTruth++;
        } else if (type == TaskType.CLASSIF) {
          Integer code = codes.get(label);
          if (code == null && CsvTable.truthClass(label) != null) {
            code = codes.get(CsvTable.truthClass(label));
          }
          if (code == null) {
            unseen.merge(label, 1L, Long::sum);
          }
          batch.truth[i] = code == null ? Float.NaN : code;
        } else {
          batch.truth[i] = source.number(label);
        }
      }
      batch.rows++;
      rows++;
      if (batch.rows == batchSize) {
        flush(batch, rows - batch.rows, out, scoring, head, headRows);
      }
    }
    if (batch.rows > 0) {
      flush(batch, rows - batch.rows, out, scoring, head, headRows);
    }
    if (rows == 0) {
      throw new TorchworkException(source.name() + " has no rows to predict. Add data rows.");
    }
    if (out != null) {
      out.flush();
    }
    Map<String, Double> scores = scoring.scores();
    return new PredictionReport(rows, scoring.rows, hasTruth, unseen, missingTruth, scores, List.copyOf(columns),
        List.copyOf(head), (System.nanoTime() - start) / 1e9, source.unseenLevels());
  }

  /** Where the rows to predict come from: a file read a row at a time, or a task in memory. */
  private interface Rows {
    /** How messages name the rows, e.g. {@code Data file new.csv}. */
    String name();

    boolean hasTruth();

    /** The name of the id column the output starts with, or null to number the rows. */
    String idColumn();

    boolean next();

    /** Writes the current row's encoded inputs; refuses one that cannot be encoded, saying where. */
    void encode(float[] x, int offset);

    String id();

    /** The current row's truth as written, or null where it is missing. */
    String truth();

    /** A regression truth as a number; refuses text. */
    float number(String label);

    Map<String, Map<String, Long>> unseenLevels();
  }

  /** A CSV file's rows, read as the model's inputs. */
  private final class FileRows implements Rows {
    private final RowReader csv;
    private final Path data;

    FileRows(RowReader csv, Path data) {
      this.csv = csv;
      this.data = data;
    }

    @Override
    public String name() {
      return "Data file " + data;
    }

    @Override
    public boolean hasTruth() {
      return csv.hasTarget();
    }

    @Override
    public String idColumn() {
      return csv.hasId() ? id : null;
    }

    @Override
    public boolean next() {
      return csv.next();
    }

    @Override
    public void encode(float[] x, int offset) {
      int refused = forward.preprocessing().encodeRow(csv.inputs(), 0, x, offset);
      if (refused >= 0) {
        throw csv.error(refused, Preprocessing.refusal(csv.inputs()[refused]));
      }
    }

    @Override
    public String id() {
      return csv.id();
    }

    @Override
    public String truth() {
      return csv.target();
    }

    @Override
    public float number(String label) {
      float v = csv.number(label);
      if (Float.isNaN(v)) {
        throw new TorchworkException("Data file " + data + " line " + csv.line() + ", column '" + target + "': '" + label
            + "' is not a number, but the model's target holds numbers. Fix the value or leave the cell empty.");
      }
      return v;
    }

    @Override
    public Map<String, Map<String, Long>> unseenLevels() {
      return csv.unseen();
    }
  }

  /** A task's rows, encoded as the model's inputs. */
  private final class TaskRows implements Rows {
    private final Task task;
    private final Task encoded;
    private final String idName;
    private final List<String> ids;
    private final Map<String, Map<String, Long>> unseen = new LinkedHashMap<>();
    private final int[] all;
    private final float[] one;
    private int row = -1;

    TaskRows(Task task, String idName, List<String> ids) {
      if (ids != null && ids.size() != task.nrow()) {
        throw new IllegalArgumentException(ids.size() + " ids for " + task.nrow() + " rows");
      }
      if (task.hasTarget() && task.type() != type) {
        throw new TorchworkException("Task '" + task.id() + "' is a " + task.type() + " task but the model predicts " + type
            + ". Predict a " + type + " task, or rows without a target.");
      }
      this.task = task;
      this.encoded = forward.preprocessing().encode(task, "Task", unseen);
      this.idName = idName;
      this.ids = ids;
      this.all = org.torchwork.data.Splits.identity(task.nrow());
      this.one = new float[encoded.nfeatures()];
    }

    @Override
    public String name() {
      return "Task '" + task.id() + "'";
    }

    @Override
    public boolean hasTruth() {
      return task.hasTarget();
    }

    @Override
    public String idColumn() {
      return idName;
    }

    @Override
    public boolean next() {
      return ++row < task.nrow();
    }

    @Override
    public void encode(float[] x, int offset) {
      encoded.copyFeatures(all, row, row + 1, one);
      System.arraycopy(one, 0, x, offset, one.length);
    }

    @Override
    public String id() {
      return ids != null ? ids.get(row) : Integer.toString(row + 1);
    }

    @Override
    public String truth() {
      float t = task.target(row);
      if (Float.isNaN(t)) {
        return null;
      }
      return task.type() == TaskType.CLASSIF ? task.classes().get((int) t) : Float.toString(t);
    }

    @Override
    public float number(String label) {
      return task.target(row);
    }

    @Override
    public Map<String, Map<String, Long>> unseenLevels() {
      return unseen;
    }
  }

  /**
   * Predicts a file into another, written beside it under a hidden name and renamed into place
   * only when complete: a failure leaves no half-written file, and the previous file, if any, as
   * it was. The data file itself, a folder or a symbolic link is never written to.
   *
   * @param data the CSV file
   * @param out the predictions file
   * @param measures as for {@link #run}
   * @param batchSize rows per batch
   * @return what was predicted
   * @throws TorchworkException naming the file and the cause
   */
  public PredictionReport runToFile(Path data, Path out, List<Measure> measures, int batchSize) {
    return toFile(data, out, w -> run(data, w, measures, batchSize, HEAD_ROWS));
  }

  /**
   * Predicts a task's rows into a file ({@link #run(Task, String, List, Writer, List, int, int)}),
   * written beside it under a hidden name and renamed into place only when complete.
   *
   * @param task the rows
   * @param source the file they were read from, never written to; null when none
   * @param idName the first output column's name
   * @param ids each row's id; null to number the rows
   * @param out the predictions file
   * @param measures as for {@link #run}
   * @param batchSize rows per batch
   * @return what was predicted
   */
  public PredictionReport runToFile(Task task, Path source, String idName, List<String> ids, Path out, List<Measure> measures,
      int batchSize) {
    return toFile(source, out, w -> run(task, idName, ids, w, measures, batchSize, HEAD_ROWS));
  }

  /** What writes predictions to a writer. */
  @FunctionalInterface
  private interface Writing {
    PredictionReport to(Writer w) throws IOException;
  }

  private PredictionReport toFile(Path data, Path out, Writing writing) {
    Path target = out.toAbsolutePath();
    Folders.refuseInside(target, ModelFiles.KIND, "Predictions file");
    AtomicFiles.requireReplaceable(target, "Predictions file", "Give a file name, e.g. predictions.csv; leave out --out to write"
        + " none, or use --out - for standard output.");
    try {
      if (data != null && Files.exists(target) && Files.isSameFile(target, data)) {
        throw new TorchworkException("Predictions file " + out + " is the data file itself, which writing would destroy. Give"
            + " another file name.");
      }
      PredictionReport[] report = new PredictionReport[1];
      AtomicFiles.write(target, stream -> {
        Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
        report[0] = writing.to(w);
        w.flush();
      }, null);
      return report[0];
    } catch (UncheckedIOException e) {
      throw new TorchworkException("Predictions file " + out + " could not be written: " + e.getCause() + ". Check that you can"
          + " write there and the disk has room; the file is as it was.", e);
    } catch (IOException e) {
      throw new TorchworkException("Data file " + data + " cannot be read: " + e.getMessage() + ", or the predictions file " + out
          + " cannot be written. Check both; the predictions file is as it was.", e);
    }
  }


  /** Where predictions go: a writer whose failures say they are the output's, not the data's. */
  private static final class OutputWriter extends Writer {
    private final Writer target;

    OutputWriter(Writer target) {
      this.target = target;
    }

    @Override
    public void write(char[] buffer, int off, int len) {
      try {
        target.write(buffer, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException("writing the predictions failed", e);
      }
    }

    @Override
    public void flush() {
      try {
        target.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("writing the predictions failed", e);
      }
    }

    @Override
    public void close() {
      flush();
    }
  }

  /** Rows read but not yet predicted. */
  private static final class Batch {
    final float[] x;
    final float[] truth;
    final String[] labels;
    final String[] ids;
    int rows;

    Batch(int size, int width, boolean hasTruth, boolean hasIds) {
      x = new float[size * width];
      truth = hasTruth ? new float[size] : null;
      labels = hasTruth ? new String[size] : null;
      ids = hasIds ? new String[size] : null;
    }
  }

  private void flush(Batch batch, long firstRow, Writer out, Scoring scoring, List<List<String>> head, int headRows)
      throws IOException {
    Prediction p = forward.batch(batch.x, batch.rows, batch.truth);
    StringBuilder line = new StringBuilder(64);
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < batch.rows; i++) {
      cells.clear();
      cells.add(batch.ids != null ? batch.ids[i] : Long.toString(firstRow + i + 1));
      if (batch.labels != null) {
        cells.add(batch.labels[i]);
      }
      cells.add(p.responseLabel(i));
      for (int c = 0; c < classes.size(); c++) {
        cells.add(Float.toString(p.prob(i, c)));
      }
      if (out != null) {
        line.setLength(0);
        for (int c = 0; c < cells.size(); c++) {
          if (c > 0) {
            line.append(',');
          }
          line.append(quote(cells.get(c)));
        }
        out.append(line).append('\n');
      }
      if (head.size() < headRows) {
        head.add(List.copyOf(cells));
      }
    }
    scoring.add(p, batch.rows);
    batch.rows = 0;
  }

  /**
   * Scores the rows with a known truth as they go by: a running sum for measures that are a mean
   * over rows (every built-in one), the rows themselves only for a measure that needs them all.
   */
  private final class Scoring {
    private final List<Measure> measures;
    private final double[] sums;
    private final boolean keepRows;
    private final List<Prediction> parts = new ArrayList<>();
    long rows;

    Scoring(List<Measure> measures) {
      this.measures = measures;
      this.sums = new double[measures.size()];
      this.keepRows = measures.stream().anyMatch(m -> !(m instanceof BuiltinMeasures.RowMean));
    }

    void add(Prediction p, int n) {
      if (measures.isEmpty()) {
        return;
      }
      int[] known = new int[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (!Float.isNaN(p.truth(i))) {
          known[k++] = i;
        }
      }
      rows += k;
      for (int m = 0; m < sums.length; m++) {
        if (measures.get(m) instanceof BuiltinMeasures.RowMean) {
          BuiltinMeasures.RowMean mean = (BuiltinMeasures.RowMean) measures.get(m);
          for (int i = 0; i < k; i++) {
            sums[m] += mean.row(p, known[i]);
          }
        }
      }
      if (keepRows && k > 0) {
        parts.add(subset(p, known, k));
      }
    }

    Map<String, Double> scores() {
      Map<String, Double> scores = new LinkedHashMap<>();
      if (rows == 0) {
        return scores;
      }
      Prediction all = keepRows ? Prediction.concat(parts) : null;
      for (int m = 0; m < sums.length; m++) {
        Measure measure = measures.get(m);
        scores.put(measure.id(), measure instanceof BuiltinMeasures.RowMean
            ? ((BuiltinMeasures.RowMean) measure).finish(sums[m] / rows) : all.score(measure));
      }
      return scores;
    }

    /** The rows {@code known[0..k)} of a prediction. */
    private Prediction subset(Prediction p, int[] known, int k) {
      float[] truth = new float[k];
      for (int i = 0; i < k; i++) {
        truth[i] = p.truth(known[i]);
      }
      if (type == TaskType.CLASSIF) {
        int width = classes.size();
        float[] prob = new float[k * width];
        for (int i = 0; i < k; i++) {
          for (int c = 0; c < width; c++) {
            prob[i * width + c] = p.prob(known[i], c);
          }
        }
        return Prediction.classif(classes, truth, prob);
      }
      float[] response = new float[k];
      for (int i = 0; i < k; i++) {
        response[i] = p.response(known[i]);
      }
      return Prediction.regr(truth, response);
    }
  }

  /** What a prediction is scored with unless told otherwise. */
  static List<Measure> defaultMeasures(TaskType type) {
    List<String> ids = type == TaskType.CLASSIF ? List.of("classif.acc", "classif.logloss") : List.of("regr.rmse", "regr.mae");
    List<Measure> measures = new ArrayList<>();
    for (Measure m : new BuiltinMeasures().measures()) {
      if (ids.contains(m.id())) {
        measures.add(m);
      }
    }
    return measures;
  }

  private static String quote(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
