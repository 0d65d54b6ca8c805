package org.torchwork.runtime;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.nn.Block;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.torchwork.api.ApiVersion;
import org.torchwork.api.Measure;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;
import org.torchwork.runtime.data.Standardization;
import org.torchwork.runtime.export.TorchScript;
import org.torchwork.runtime.predict.CsvPredictor;
import org.torchwork.runtime.predict.Forward;
import org.torchwork.runtime.store.Bundle;
import org.torchwork.runtime.store.Json;
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
  /** Learner parameters that say where or how a run trained, not what the network is. */
  private static final List<String> RUN_ONLY = List.of("engine", "device", "resume", "init_from");

  private final Model network;
  private final ModelFiles.Meta meta;
  private final Map<String, Object> callbacks;
  private final Map<String, Object> params;
  private final BackendChoice choice;
  private final Path source;
  private final Forward forward;

  TrainedModel(Model network, ModelFiles.Meta meta, BackendChoice choice, Path source) {
    this.network = network;
    this.meta = meta;
    this.callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(meta.callbacks() == null ? Map.of() : meta.callbacks()));
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(meta.params()));
    this.choice = choice;
    this.source = source;
    this.forward = new Forward(network, choice.device(), taskType(), meta.features(), meta.classes(), meta.standardization());
  }

  /**
   * Loads a model saved with {@link #save(Path)}, on the shared platform
   * ({@link Torchwork#platform()}), on the engine it was trained on unless the system property,
   * the environment or that engine's absence says otherwise.
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
   *     on (ranked below the system property and environment, as a config file is)
   * @param device {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}; null for the usual choice
   * @return the model
   * @throws TorchworkException when a file is changed, missing or extra, the learner or its
   *     plugin is missing or of another major version, or the folder is not a model
   */
  public static TrainedModel load(Path dir, Platform platform, String engine, String device) {
    ModelFiles.Saved saved = ModelFiles.read(dir);
    ModelFiles.Meta meta = saved.meta();
    LearnerSpec spec = learnerOf(saved, platform);
    TaskType type = meta.taskType().equals(TaskType.CLASSIF.id()) ? TaskType.CLASSIF : TaskType.REGR;
    if (spec.taskType() != type) {
      throw new TorchworkException("Model folder " + dir + " holds a " + type + " model, but learner '" + spec.id() + "' is now a "
          + spec.taskType() + " learner. Load it with the learner version that saved it.");
    }
    TorchLearner learner = platform.learner(spec.id());
    meta.params().forEach((key, value) -> {
      if (!RUN_ONLY.contains(key) && value != null) {
        try {
          learner.set(key, value);
        } catch (TorchworkException e) {
          throw new TorchworkException("Model folder " + dir + " was saved with learner parameter " + key + "=" + value
              + ", which learner '" + spec.id() + "' no longer takes (" + e.getMessage() + ") Load it with the learner version"
              + " that saved it.", e);
        }
      }
    });
    BackendChoice choice = BackendChoice.resolve(platform.backends(), Optional.ofNullable(engine), Optional.ofNullable(device),
        "option", Map.of("engine", meta.training().engine()), "the model's engine", System::getenv);
    NetworkShape shape = new NetworkShape(meta.features().size(), type == TaskType.CLASSIF ? meta.classes().size() : 1);
    ParamValues params = learner.params();
    Block block = spec.network().create(shape, params);
    Model model = Model.newInstance(spec.id(), choice.device(), choice.engine().getEngineName());
    try {
      model.setBlock(block);
      saved.loadInto(block, () -> spec.network().create(shape, params), model.getNDManager());
      return new TrainedModel(model, meta, choice, dir);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The learner a saved model needs, with its plugin checked against the one that saved it. */
  private static LearnerSpec learnerOf(ModelFiles.Saved saved, Platform platform) {
    ModelFiles.Meta meta = saved.meta();
    ModelFiles.Origin origin = meta.origin();
    String where = "Model folder " + saved.dir() + " was trained with learner '" + meta.learner() + "'";
    Optional<LearnerSpec> spec = platform.learners().find(meta.learner());
    if (spec.isEmpty()) {
      if (origin == null) {
        throw new TorchworkException(where + ", which this Torchwork does not have. Available learners: "
            + Names.list(platform.learners().ids()) + ". Load it with a Torchwork that has the learner.");
      }
      throw new TorchworkException(where + " from plugin " + origin.plugin() + " (" + origin.module() + " " + origin.version()
          + ", SHA-256 " + origin.sha256().substring(0, Math.min(12, origin.sha256().length())) + "...), which is not loaded: "
          + platform.pluginsDir().map(d -> "the plugins directory " + d + " does not provide it").orElse("no plugins directory is set")
          + ". Put " + origin.plugin() + " (version " + major(origin.version()).map(m -> m + ".x").orElse(origin.version())
          + ") into the plugins directory (--plugins DIR, or TORCHWORK_PLUGINS) and load again.");
    }
    if (origin != null) {
      Optional<Plugin> now = platform.pluginProviding("learner", meta.learner());
      Optional<Integer> then = major(origin.version());
      Optional<Integer> here = now.flatMap(p -> major(p.version()));
      if (now.isPresent() && then.isPresent() && here.isPresent() && !then.equals(here)) {
        throw new TorchworkException(where + " from plugin " + origin.plugin() + " version " + origin.version() + ", but the"
            + " plugins directory has version " + now.get().version() + " (" + now.get().path() + "), another major version,"
            + " whose network may differ. Put a " + then.get() + ".x build of the plugin into the plugins directory to load it.");
      }
    }
    return spec.get();
  }

  private static Optional<Integer> major(String version) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\..*").matcher(version == null ? "" : version);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
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
    ModelFiles.write(dir, meta, network.getBlock(), overwrite);
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
    int p = features().size();
    float[] x = new float[rows.length * p];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != p) {
        throw new TorchworkException("Row " + (i + 1) + " has " + rows[i].length + " values, but the model takes " + p + " features: "
            + String.join(", ", features()) + ". Give one value per feature, in that order.");
      }
      for (int j = 0; j < p; j++) {
        x[i * p + j] = toFloat(rows[i][j], i, features().get(j));
      }
    }
    return predict(Task.unlabeled("rows", features(), x));
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
    double[][] values = new double[rows.size()][];
    for (int i = 0; i < values.length; i++) {
      Map<String, ? extends Number> row = rows.get(i);
      values[i] = new double[features().size()];
      for (int j = 0; j < values[i].length; j++) {
        Number v = row.get(features().get(j));
        if (v == null) {
          throw new TorchworkException("Row " + (i + 1) + " has no value for feature '" + features().get(j) + "'. The model takes "
              + String.join(", ", features()) + "; give a value for each.");
        }
        values[i][j] = v.doubleValue();
      }
    }
    return predict(values);
  }

  private static float toFloat(double v, int row, String feature) {
    if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
      throw new TorchworkException("Row " + (row + 1) + ", feature '" + feature + "': " + v + " is not a finite 32-bit float value."
          + " Give a finite number (within about ±3.4e38).");
    }
    return (float) v;
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
    if (out == null) {
      return predictCsv(data, (Writer) null, measures, batchSize);
    }
    Path target = out.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new TorchworkException("Predictions file " + out + " is a folder. Give a file name, e.g. " + out.resolve("predictions.csv") + ".");
    }
    if (Files.isSymbolicLink(target)) {
      throw new TorchworkException("Predictions file " + out + " is a symbolic link; Torchwork does not write through links."
          + " Give the real path, or another file.");
    }
    try {
      if (Files.exists(target) && Files.isSameFile(target, data)) {
        throw new TorchworkException("Predictions file " + out + " is the data file itself, which writing would destroy. Give"
            + " another file name.");
      }
      Files.createDirectories(target.getParent());
      Path tmp = Bundle.beside(target, ".tmp-", false);
      try {
        PredictionReport report;
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp), StandardCharsets.UTF_8), 1 << 16)) {
          report = predictCsv(data, w, measures, batchSize);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return report;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new TorchworkException("Predictions file " + out + " could not be written: " + e + ". Check that you can write there"
          + " and the disk has room.", e);
    }
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
    for (Measure m : measures == null ? List.<Measure>of() : measures) {
      if (m.taskType() != taskType()) {
        throw new TorchworkException("Measure '" + m.id() + "' is for " + m.taskType() + " tasks, but the model is a " + taskType()
            + " model. Score with " + taskType() + ".* measures.");
      }
    }
    if (batchSize < 1) {
      throw new TorchworkException("The batch size is " + batchSize + "; give at least 1.");
    }
    try {
      return new CsvPredictor(forward, taskType(), target(), features(), classes()).run(data, out, measures, batchSize, 10);
    } catch (IOException e) {
      throw new TorchworkException("Data file " + data + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  /**
   * What an export wrote and how it was checked.
   *
   * @param file the file written
   * @param format the format
   * @param verified whether the file was loaded back (by the PyTorch engine) and predicted probe
   *     rows as this model does
   * @param maxDifference the largest difference between its outputs and this model's on the probe
   *     rows; NaN when not verified
   */
  public record Export(Path file, String format, boolean verified, double maxDifference) {}

  /** The formats {@link #export} knows, with why each that cannot be written cannot. */
  private static final Map<String, String> IMPOSSIBLE = Map.of(
      "mxnet", "MXNet serves symbolic models (a -symbol.json graph beside the parameters), and a network built in Java with"
          + " DJL is imperative: DJL cannot trace it into an MXNet symbol. A model trained on MXNet exports to TorchScript"
          + " all the same (its weights are engine-neutral)",
      "onnx", "DJL cannot write ONNX. Export to TorchScript, then convert it with torch.onnx.export in Python if you need ONNX",
      "djl", "a network built in Java with DJL is loaded by DJL only with the Java code that builds it; the model folder"
          + " that train --save writes already holds DJL's parameter file (network.params) for that. To serve without"
          + " Torchwork's code, export to TorchScript, which DJL Serving's PyTorch engine loads as it is");

  /**
   * Exports the model for serving without Torchwork. The one format that can be written is
   * {@code torchscript}: a TorchScript archive that {@code torch.jit.load} (Python), libtorch,
   * TorchServe and DJL's PyTorch engine (DJL Serving) load as it is. It takes float32 rows of
   * {@link #features()} in that order, standardizes them if the model does, and returns class
   * probabilities in the order of {@link #classes()} (or the regression values). When the PyTorch
   * engine is installed, the file is loaded back and must predict 64 probe rows as this model
   * does, or it is deleted and the export refused.
   *
   * @param file the file to write, e.g. {@code model.pt}
   * @param format {@code torchscript}; {@code mxnet}, {@code onnx} and {@code djl} are refused,
   *     saying why
   * @return what was written and how it was checked
   * @throws TorchworkException when the format cannot be written, the network has a block with no
   *     TorchScript form, or the written file does not predict as the model does
   */
  public Export export(Path file, String format) {
    String f = format.toLowerCase(java.util.Locale.ROOT);
    if (IMPOSSIBLE.containsKey(f)) {
      throw new TorchworkException("Export format '" + format + "' cannot be written: " + IMPOSSIBLE.get(f) + ". Use --format torchscript.");
    }
    if (!f.equals("torchscript")) {
      throw new TorchworkException("Unknown export format '" + format + "'." + Names.didYouMean(f, List.of("torchscript"))
          + " Formats: torchscript (mxnet, onnx and djl cannot be written; export says why).");
    }
    if (Files.isDirectory(file)) {
      throw new TorchworkException("Export file " + file + " is a folder. Give a file name, e.g. " + file.resolve("model.pt") + ".");
    }
    TorchScript.write(network.getBlock(), network.getNDManager(), learner(), taskType(), features(), classes(),
        meta.standardization(), file);
    Engine pytorch;
    try {
      pytorch = Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      return new Export(file, f, false, Double.NaN);
    }
    double difference;
    try {
      difference = verifyTorchScript(file, pytorch);
    } catch (RuntimeException | IOException | MalformedModelException e) {
      deleteQuietly(file);
      throw new TorchworkException("The TorchScript file written for this model could not be loaded back by PyTorch (" + e
          + "); it was deleted. This is a bug in Torchwork's export: please report it with the model's model.json.", e);
    }
    if (!(difference <= 1e-4)) {
      deleteQuietly(file);
      throw new TorchworkException("The TorchScript file written for this model predicts differently from it (by up to "
          + difference + " on probe rows); it was deleted. The network has a block whose TorchScript translation is not exact;"
          + " serve this model with Torchwork itself (TrainedModel.load and predict).");
    }
    return new Export(file, f, true, difference);
  }

  /** Loads the archive with libtorch and returns the largest difference from this model on seeded probe rows. */
  private double verifyTorchScript(Path file, Engine pytorch) throws IOException, MalformedModelException {
    int rows = 64;
    int p = features().size();
    java.util.Random random = new java.util.Random(42);
    double[][] probe = new double[rows][p];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < p; j++) {
        double scale = meta.standardization() == null ? 1 : meta.standardization().scale()[j];
        double mean = meta.standardization() == null ? 0 : meta.standardization().mean()[j];
        probe[i][j] = (float) (mean + scale * random.nextGaussian());
      }
    }
    Prediction mine = predict(probe);
    try (Model loaded = Model.newInstance("torchscript", Device.cpu(), pytorch.getEngineName());
        NDManager scope = loaded.getNDManager().newSubManager()) {
      loaded.load(file.toAbsolutePath());
      float[] x = new float[rows * p];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < p; j++) {
          x[i * p + j] = (float) probe[i][j];
        }
      }
      NDArray in = scope.create(x, new ai.djl.ndarray.types.Shape(rows, p));
      float[] out = loaded.getBlock().forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow().toFloatArray();
      double max = 0;
      int k = taskType() == TaskType.CLASSIF ? classes().size() : 1;
      for (int i = 0; i < rows; i++) {
        for (int c = 0; c < k; c++) {
          double theirs = out[i * k + c];
          double ours = taskType() == TaskType.CLASSIF ? mine.prob(i, c) : mine.response(i);
          max = Math.max(max, Double.isNaN(theirs) ? Double.POSITIVE_INFINITY : Math.abs(theirs - ours));
        }
      }
      return max;
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // nothing more to do
    }
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

  /** The Torchwork version: the runtime jar's, else the api's (they are built together). */
  static String version() {
    String v = TrainedModel.class.getPackage().getImplementationVersion();
    return v != null ? v : ApiVersion.current().text();
  }

  /** The description of a run's model, for saving. */
  static ModelFiles.Meta meta(LearnerSpec spec, Optional<Plugin> plugin, Task train, Map<String, Object> params,
      Map<String, Map<String, Object>> callbackParams, Standardization standardization, BackendChoice choice, int seed, int epochs,
      Map<String, Object> states) {
    ModelFiles.Origin origin = plugin.map(p -> new ModelFiles.Origin(p.path().getFileName().toString(), String.join(",", p.modules()),
        p.version(), p.sha256())).orElse(null);
    ModelFiles.Training training = new ModelFiles.Training(choice.backend().id(),
        choice.engine().getEngineName() + " " + choice.engine().getVersion(), BackendChoice.deviceName(choice.device()), seed, epochs);
    List<String> classes = new ArrayList<>(train.classes());
    return new ModelFiles.Meta(ModelFiles.FORMAT, version(), spec.id(), origin, spec.taskType().id(), train.target(),
        train.featureNames(), classes, Json.plain(params), Json.plain(callbackParams), standardization, training,
        Objects.requireNonNullElse(states, Map.of()));
  }
}
