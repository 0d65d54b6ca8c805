package org.torchwork.runtime;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.CsvFormat;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.TaskRows;
import org.torchwork.runtime.export.Exporter;
import org.torchwork.runtime.predict.CsvPredictor;
import org.torchwork.runtime.predict.Forward;
import org.torchwork.runtime.store.ModelFiles;

/**
 * What training produced: the network, each callback's state by id, and how the run was set up
 * (the {@code learner$model} of mlr3torch). A model predicts tasks, single rows and CSV files of
 * any size, and outlives its process: {@link #save(Path)} writes it to a folder, and
 * {@link #load(Path)} brings it back, on the same engine or another, predicting exactly as before.
 *
 * <pre>{@code
 * TrainedModel model = learner.model();
 * model.save(Path.of("models/iris"));
 * try (TrainedModel again = TrainedModel.load(Path.of("models/iris"))) {
 *   Prediction p = again.predict(new double[] {5.1, 3.5, 1.4, 0.2});
 *   String species = p.responseLabel(0);
 * }
 * }</pre>
 *
 * <p>It holds native memory through the DJL model; close it (or its learner) when done.
 */
public final class TrainedModel implements AutoCloseable {
  private final Model network;
  private final ModelFiles.Meta meta;
  private final Map<String, Object> callbacks;
  private final Map<String, Object> params;
  private final BackendChoice choice;
  private final Path source;
  private final Forward forward;
  private final Map<String, Map<String, NDArray>> tensors;
  /** How the training rows were streamed; null when they were in memory or the model was loaded. */
  DataFeed feed;

  TrainedModel(Model network, ModelFiles.Meta meta, BackendChoice choice, Path source, Map<String, Map<String, NDArray>> tensors) {
    this.network = network;
    this.tensors = tensors;
    this.meta = meta;
    this.callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(meta.callbacks() == null ? Map.of() : meta.callbacks()));
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(meta.params()));
    this.choice = choice;
    this.source = source;
    this.forward = new Forward(network, choice.device(), taskType(), meta.inputs(), meta.classes(), meta.standardization());
  }

  /**
   * Loads a model saved with {@link #save(Path)}, on the shared platform
   * ({@link Torchwork#platform()}), on the engine it was trained on unless the system property or
   * the environment names another, or that engine is not installed (then as {@code engine=auto}).
   *
   * @param dir the model's folder
   * @return the model
   * @throws TorchworkException when a file is changed, missing or extra, the learner or its
   *     plugin is missing, or the folder is not a model
   */
  public static TrainedModel load(Path dir) {
    return load(dir, Torchwork.platform(), null, null);
  }

  /**
   * Loads a saved model with a platform's learners, on an engine and device of choice. Every file
   * is checked against the folder's manifest before any is used.
   *
   * @param dir the model's folder
   * @param platform where its learner is found (its plugins directory, for a plugin's learner)
   * @param engine {@code auto}, {@code pytorch}, {@code mxnet}; null for the engine it was trained
   *     on, if installed (ranked below the system property and environment, as a config file is)
   * @param device {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}; null for the usual choice
   * @return the model
   * @throws TorchworkException when a file is changed, missing or extra, the learner or its
   *     plugin is missing or of another major version, or the folder is not a model
   */
  public static TrainedModel load(Path dir, Platform platform, String engine, String device) {
    return SavedModels.load(dir, platform, engine, device);
  }

  /**
   * Checks, before training, that a model could be saved to a folder: it does not exist, is
   * empty, or holds a model and {@code overwrite} is set; and its parent is writable. The command
   * calls this before {@code train --save} trains, so that no training run is lost to a bad folder.
   *
   * @param dir the folder
   * @param overwrite whether a model there may be replaced
   * @throws TorchworkException naming the folder, why not, and the fix
   */
  public static void checkSaveTarget(Path dir, boolean overwrite) {
    ModelFiles.checkTarget(dir, overwrite);
  }

  /**
   * Saves the model to a new or empty folder, atomically: the network's parameters, the learner
   * and every parameter, the features and classes, each callback's state, how it was trained, and
   * a manifest with the SHA-256 of every file. A folder that holds anything else is refused.
   *
   * @param dir the folder
   * @return this model
   * @throws TorchworkException when the folder exists and is not empty, or cannot be written
   */
  public TrainedModel save(Path dir) {
    return save(dir, false);
  }

  /**
   * Saves the model, replacing a model saved there before when {@code overwrite} is set. A folder
   * holding anything but a model is never written to.
   *
   * @param dir the folder
   * @param overwrite whether to replace a model in it
   * @return this model
   * @throws TorchworkException when the folder may not or cannot be written
   */
  public TrainedModel save(Path dir, boolean overwrite) {
    ModelFiles.write(dir, meta, network.getBlock(), tensors, overwrite);
    return this;
  }

  /**
   * Predicts a task: one with the model's features, matched by name in any order (extra ones
   * are ignored). A task with a target keeps it as the truth, for scoring; a task without one
   * ({@link Task#unlabeled}) is predicted all the same.
   *
   * @param task the task
   * @return the prediction
   * @throws TorchworkException when a feature is missing or not finite, or the task's classes are
   *     not the model's
   */
  public Prediction predict(Task task) {
    return predict(task, batchSize());
  }

  /**
   * Predicts a task, a given number of rows per forward pass.
   *
   * @param task the task
   * @param batchSize rows per forward pass
   * @return the prediction
   */
  public Prediction predict(Task task, int batchSize) {
    return forward.predict(task, batchSize);
  }

  /**
   * Predicts one row.
   *
   * @param row the feature values, in the order of {@link #features()}
   * @return a prediction of one row, without truth
   * @throws TorchworkException when the row has the wrong length or a value is not finite
   */
  public Prediction predict(double[] row) {
    return predict(new double[][] {row});
  }

  /**
   * Predicts rows.
   *
   * @param rows each row's feature values, in the order of {@link #features()}
   * @return a prediction, one row per row given, without truth
   * @throws TorchworkException when a row has the wrong length or a value is not finite
   */
  public Prediction predict(double[][] rows) {
    return predict(RowInput.task(features(), rows));
  }

  /**
   * Predicts one row given by feature name.
   *
   * @param row a value for every feature (extra names are ignored)
   * @return a prediction of one row, without truth
   * @throws TorchworkException naming a missing feature or a value that is not finite
   */
  public Prediction predict(Map<String, ? extends Number> row) {
    return predictRows(List.of(row));
  }

  /**
   * Predicts rows given by feature name.
   *
   * @param rows for each row, a value for every feature (extra names are ignored)
   * @return a prediction, one row per row given, without truth
   * @throws TorchworkException naming a missing feature or a value that is not finite
   */
  public Prediction predictRows(List<? extends Map<String, ? extends Number>> rows) {
    return predict(RowInput.byName(features(), rows));
  }

  /**
   * Predicts rows of any values by feature name: numbers, booleans, and labels (strings) for
   * categorical features; {@code null} for a missing value, imputed as in training; a label
   * training never saw is taken as missing. Extra names are ignored.
   *
   * @param rows each row's values by feature name
   * @return a prediction, one row per row given, without truth
   * @throws TorchworkException naming a missing feature or a value that does not fit its type
   * @since 0.3
   */
  public Prediction predictValues(List<? extends Map<String, ?>> rows) {
    TaskRows table = TaskRows.of("rows", rows);
    Map<String, ?> first = rows.isEmpty() ? Map.of() : rows.get(0);
    for (Preprocessing.Input in : preprocessing().inputs()) {
      if (!first.containsKey(in.name())) {
        throw new TorchworkException("Row 1 has no value for feature '" + in.name() + "'. The model takes " + String.join(", ",
            features()) + "; give a value for each (null for a missing one).");
      }
      table.type(in.name(), in.type());
    }
    return predict(table.features());
  }

  /**
   * Predicts a CSV file of any size into another, a batch at a time, so memory stays flat. The
   * file's columns are matched by name in any order and extra ones are ignored; the target column
   * is optional. The output has one row per input row: {@code row_id}, {@code truth} (when the
   * file has the target), {@code response} and, for classification, {@code prob.<class>}. It is
   * written to a temporary file and renamed into place at the end, so a failure leaves no half
   * file.
   *
   * @param data the CSV file
   * @param out the predictions file; null to write none
   * @param measures measures to score with, which need the target column; null for the default
   *     ones ({@code classif.acc} and {@code classif.logloss}, or {@code regr.rmse} and
   *     {@code regr.mae}), scored when the file has the target
   * @param batchSize rows per batch
   * @return what was predicted, with the scores and the first rows
   * @throws TorchworkException naming the file, line and column of bad data, or when {@code out}
   *     cannot be written
   */
  public PredictionReport predictCsv(Path data, Path out, List<Measure> measures, int batchSize) {
    return predictCsv(data, out, measures, batchSize, csvFormat());
  }

  /**
   * Predicts a CSV file written in a given format ({@link #predictCsv(Path, Path, List, int)}).
   *
   * @param data the CSV file
   * @param out the predictions file; null to write none
   * @param measures measures to score with; null for the default ones
   * @param batchSize rows per batch
   * @param format the file's separator (or detect it), decimal mark and missing-value tokens
   * @return what was predicted
   */
  public PredictionReport predictCsv(Path data, Path out, List<Measure> measures, int batchSize, CsvFormat format) {
    return out == null ? predictCsv(data, (Writer) null, measures, batchSize, format)
        : predictor(measures, batchSize, format).runToFile(data, out, measures, batchSize);
  }

  /**
   * Predicts a CSV file into a writer (standard output, say), as {@link #predictCsv(Path, Path,
   * List, int)} does.
   *
   * @param data the CSV file
   * @param out where the CSV goes; null for nowhere
   * @param measures measures to score with, which need the target column; null for the default
   *     ones, scored when the file has the target
   * @param batchSize rows per batch
   * @return what was predicted
   */
  public PredictionReport predictCsv(Path data, Writer out, List<Measure> measures, int batchSize) {
    return predictCsv(data, out, measures, batchSize, csvFormat());
  }

  /**
   * Predicts a CSV file written in a given format into a writer ({@link #predictCsv(Path, Writer,
   * List, int)}).
   *
   * @param data the CSV file
   * @param out where the CSV goes; null for nowhere
   * @param measures measures to score with; null for the default ones
   * @param batchSize rows per batch
   * @param format the file's separator (or detect it), decimal mark and missing-value tokens
   * @return what was predicted
   */
  public PredictionReport predictCsv(Path data, Writer out, List<Measure> measures, int batchSize, CsvFormat format) {
    try {
      return predictor(measures, batchSize, format).run(data, out, measures, batchSize, CsvPredictor.HEAD_ROWS);
    } catch (IOException e) {
      throw new TorchworkException("Data file " + data + " cannot be read: " + e.getMessage() + ".", e);
    } catch (UncheckedIOException e) {
      throw new TorchworkException("The predictions could not be written: " + e.getCause() + ". Check where they go and that the"
          + " disk has room.", e);
    }
  }

  /**
   * Predicts a task's rows into a CSV file or a writer, as {@link #predictCsv(Path, Path, List,
   * int)} predicts a file's: one output row per row (images read from an IDX file or a folder, say),
   * its id first.
   *
   * @param task the rows, with their target when they have one
   * @param idName the first output column's name, e.g. {@code image} or {@code file}
   * @param ids each row's id (a file name, say); null to number the rows from 1
   * @param out the predictions file; null to write none
   * @param measures measures to score with; null for the defaults when the task has a target
   * @param batchSize rows per batch
   * @return what was predicted
   * @since 0.3
   */
  public PredictionReport predictRows(Task task, String idName, List<String> ids, Path out, List<Measure> measures, int batchSize) {
    CsvPredictor predictor = predictor(measures, batchSize, csvFormat());
    return out == null ? predictor.run(task, idName, ids, null, measures, batchSize, CsvPredictor.HEAD_ROWS)
        : predictor.runToFile(task, task.source().orElse(null), idName, ids, out, measures, batchSize);
  }

  /**
   * Predicts a task's rows into a writer ({@link #predictRows(Task, String, List, Path, List, int)}).
   *
   * @param task the rows
   * @param idName the first output column's name
   * @param ids each row's id; null to number the rows
   * @param out where the CSV goes
   * @param measures measures to score with; null for the defaults
   * @param batchSize rows per batch
   * @return what was predicted
   * @since 0.3
   */
  public PredictionReport predictRows(Task task, String idName, List<String> ids, Writer out, List<Measure> measures,
      int batchSize) {
    try {
      return predictor(measures, batchSize, csvFormat()).run(task, idName, ids, out, measures, batchSize, CsvPredictor.HEAD_ROWS);
    } catch (UncheckedIOException e) {
      throw new TorchworkException("The predictions could not be written: " + e.getCause() + ". Check where they go and that the"
          + " disk has room.", e);
    }
  }

  /** The model's file predictor, once the measures and batch size are checked. */
  private CsvPredictor predictor(List<Measure> measures, int batchSize, CsvFormat format) {
    for (Measure m : measures == null ? List.<Measure>of() : measures) {
      if (m.taskType() != taskType()) {
        throw new TorchworkException("Measure '" + m.id() + "' is for " + m.taskType() + " tasks, but the model is a " + taskType()
            + " model. Score with " + taskType() + ".* measures.");
      }
    }
    if (batchSize < 1) {
      throw new TorchworkException("The batch size is " + batchSize + "; give at least 1.");
    }
    return new CsvPredictor(forward, taskType(), target(), classes(), format, idColumn().orElse(null));
  }

  /**
   * What an export wrote and how it was checked.
   *
   * @param file the file written
   * @param format the format
   * @param verified whether the file was loaded back (by the PyTorch engine) and predicted probe
   *     rows as this model does
   * @param probeRows how many probe rows the check ran
   * @param maxDifference the largest difference between its outputs and this model's on the probe
   *     rows; NaN when not verified
   */
  public record Export(Path file, String format, boolean verified, int probeRows, double maxDifference) {}

  /**
   * Exports the model for serving without Torchwork. The one format that can be written is
   * {@code torchscript}: a TorchScript archive that {@code torch.jit.load} (Python), libtorch,
   * TorchServe and DJL's PyTorch engine (DJL Serving) load as it is. It takes float32 rows of
   * {@link #features()} in that order, replaces a missing value (NaN) as the model does, standardizes
   * them if the model does, and returns class
   * probabilities in the order of {@link #classes()} (or the regression values). When the PyTorch
   * engine is installed, the file is loaded back and must predict 64 probe rows as this model
   * does before it takes the file's place, or the export is refused and a file there before stays
   * as it was.
   *
   * @param file the file to write, e.g. {@code model.pt}
   * @param format {@code torchscript}; {@code mxnet}, {@code onnx} and {@code djl} are refused,
   *     saying why
   * @return what was written and how it was checked
   * @throws TorchworkException when the format cannot be written, the network has a block with no
   *     TorchScript form, or the written file does not predict as the model does
   */
  public Export export(Path file, String format) {
    List<String> categorical = preprocessing().inputs().stream().filter(in -> in.type() == org.torchwork.api.ColumnType.CATEGORICAL
        || in.indicator()).map(Preprocessing.Input::name).toList();
    if (!categorical.isEmpty()) {
      throw new TorchworkException("The model takes categorical features or missing-value indicators (" + String.join(", ", categorical)
          + "), which a TorchScript file of float rows cannot express: it would need the labels as numbers. Export a model"
          + " trained on numeric features, or serve this one with torchwork predict.");
    }
    float[] fill = null;
    if (!preprocessing().impute().equals("none")) {
      fill = new float[features().size()];
      for (int j = 0; j < fill.length; j++) {
        fill[j] = (float) (double) preprocessing().inputs().get(j).fill();
      }
    }
    double difference = Exporter.export(network.getBlock(), network.getNDManager(), learner(), taskType(), features(), classes(),
        meta.standardization(), fill, preprocessing().dims(), file, format, this::predict);
    return new Export(file, format.toLowerCase(Locale.ROOT), !Double.isNaN(difference), Exporter.PROBE_ROWS, difference);
  }

  /**
   * Each callback's {@code stateDict()} by callback id, as it was after {@code on_end} (as in
   * mlr3torch, states are collected before {@code on_exit}); callbacks whose state was
   * {@code null} are absent.
   *
   * @return an unmodifiable map, in the order the callbacks ran
   */
  public Map<String, Object> callbacks() {
    return callbacks;
  }
  /**
   * A callback's tensors ({@code CallbackSet.tensors()}) at the end of training, saved and loaded
   * with the model.
   *
   * @param callbackId the callback's id
   * @return its tensors by name, owned by the model; empty when it keeps none
   */
  public Map<String, NDArray> tensors(String callbackId) {
    return tensors.getOrDefault(callbackId, Map.of());
  }


  /**
   * The trained DJL model.
   *
   * @return the model
   */
  public Model network() {
    return network;
  }

  /**
   * The learner's id.
   *
   * @return for example {@code "classif.mlp"}
   */
  public String learner() {
    return meta.learner();
  }

  /**
   * Every learner parameter the model was trained with, defaults included, as plain values.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> params() {
    return params;
  }

  /**
   * The task type trained on.
   *
   * @return the type
   */
  public TaskType taskType() {
    return meta.taskType().equals(TaskType.CLASSIF.id()) ? TaskType.CLASSIF : TaskType.REGR;
  }

  /**
   * The target column trained on.
   *
   * @return its name
   */
  public String target() {
    return meta.target();
  }

  /**
   * The features the network expects, in order.
   *
   * @return the feature names
   */
  public List<String> features() {
    return meta.features();
  }

  /**
   * How the features become the network's inputs: types, levels, imputation values, encodings.
   *
   * @return the preprocessing learned from the training rows
   * @since 0.3
   */
  public Preprocessing preprocessing() {
    return meta.inputs();
  }

  /**
   * How files to predict are read unless told otherwise: as the training file was (its decimal
   * mark and missing-value tokens), the separator detected in each file.
   *
   * @return the format
   * @since 0.3
   */
  public CsvFormat csvFormat() {
    return CsvFormat.DEFAULT.with(readSettings());
  }

  /**
   * How the training data was read: a CSV file's decimal mark and missing-value tokens, an image
   * folder's size, channels and normalization. Data to predict is read alike.
   *
   * @return the settings; empty for the defaults
   * @since 0.3
   */
  public Map<String, String> readSettings() {
    return meta.read() == null ? Map.of() : meta.read();
  }

  /**
   * The training task's id column, which predictions carry as their first column.
   *
   * @return the column's name, or empty when the task had none
   * @since 0.3
   */
  public Optional<String> idColumn() {
    return Optional.ofNullable(meta.id());
  }

  /**
   * The class labels, in output order; empty for regression.
   *
   * @return the classes
   */
  public List<String> classes() {
    return meta.classes();
  }

  /**
   * Whether the features are standardized with the training data's means and standard
   * deviations before the network sees them ({@code standardize=true}).
   *
   * @return true when they are
   */
  public boolean standardized() {
    return meta.standardization() != null;
  }

  /**
   * The backend the network is on now: the one trained on, or the one it was loaded to.
   *
   * @return for example {@code "pytorch"}
   */
  public String backend() {
    return choice.backend().id();
  }

  /**
   * The device the network is on now.
   *
   * @return the device
   */
  public Device device() {
    return choice.device();
  }

  /**
   * The engine and device the network is on now, and which setting chose them.
   *
   * @return one line, as {@link BackendChoice#describe()}
   */
  public String backendChoice() {
    return choice.describe();
  }

  /**
   * How the model was trained: backend, engine version and device.
   *
   * @return for example {@code "pytorch (PyTorch 2.7.1) on cpu"}
   */
  public String trainedOn() {
    ModelFiles.Training t = meta.training();
    return t.engine() + " (" + t.engineVersion() + ") on " + t.device();
  }

  /**
   * The random seed the run used (the {@code seed} parameter, or the one drawn when unset).
   *
   * @return the seed
   */
  public int seed() {
    return meta.training().seed();
  }

  /**
   * The number of epochs that ran (fewer than asked when a callback terminated the run).
   *
   * @return the epochs
   */
  public int epochs() {
    return meta.training().epochs();
  }

  /**
   * How the training run ended: all epochs done, stopped early, or terminated by a callback.
   *
   * @return the end, or empty for a model saved before Torchwork recorded it
   * @since 0.2
   */
  public Optional<RunEnd> end() {
    return SavedModels.end(meta);
  }

  /**
   * How the training rows reached the run that trained this model, when they were streamed from a
   * file: where from, and the share of the run spent waiting for them.
   *
   * @return the report; empty when the rows were in memory, or for a loaded model
   * @since 0.3
   */
  public Optional<DataFeed> dataFeed() {
    return Optional.ofNullable(feed);
  }

  /**
   * The Torchwork version that trained the model.
   *
   * @return the version
   */
  public String torchworkVersion() {
    return meta.torchwork();
  }

  /**
   * The folder the model was loaded from.
   *
   * @return the folder; empty for a model trained in this process
   */
  public Optional<Path> source() {
    return Optional.ofNullable(source);
  }

  private int batchSize() {
    Object b = params.get("batch_size");
    return b instanceof Number ? Math.max(1, ((Number) b).intValue()) : 256;
  }

  @Override
  public void close() {
    network.close();
  }
}
