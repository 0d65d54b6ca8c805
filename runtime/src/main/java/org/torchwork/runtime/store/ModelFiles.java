package org.torchwork.runtime.store;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.Standardization;

/**
 * Saved models: a folder {@link Bundle} holding
 *
 * <ul>
 *   <li>{@code model.json}: the learner and where it came from, every learner parameter, the
 *       callbacks with their parameters and states, the task's type, target, features (in order)
 *       and classes, the standardization, and how the model was trained (engine, device, seed,
 *       epochs, Torchwork version);
 *   <li>{@code network.params}: the network's parameters (DJL's parameter format, which every
 *       engine reads);
 *   <li>{@code manifest.json}: the size and SHA-256 of both, checked before either is used.
 * </ul>
 */
public final class ModelFiles {
  /** The layout version this Torchwork writes and reads: 3, with the preprocessing. */
  public static final int FORMAT = 3;
  /** The oldest layout this Torchwork reads: 1, before callbacks' tensors. */
  static final int OLDEST = 1;
  /** The bundle kind of a saved model. */
  public static final String KIND = "torchwork-model";
  private static final String META = "model.json";
  private static final String NETWORK = "network.params";
  private static final String WHAT = "Model folder";
  private static final String UNUSABLE = "Restore the folder from a good copy, or train and save the model again.";

  private ModelFiles() {}

  /**
   * Where a learner that came from a plugin came from.
   *
   * @param plugin the plugin's file or folder name in the plugins directory
   * @param module its main module
   * @param version its version
   * @param sha256 the SHA-256 of its jar (of its jars' listing, for a folder)
   */
  public record Origin(String plugin, String module, String version, String sha256) {}

  /**
   * How the model was trained.
   *
   * @param engine the backend id, e.g. {@code pytorch}
   * @param engineVersion the DJL engine's name and version, e.g. {@code PyTorch 2.7.1}
   * @param device the device, e.g. {@code cpu} or {@code gpu:0}
   * @param seed the run's seed
   * @param epochs the epochs that ran
   * @param end how the run ended; null in models saved before this was recorded
   */
  public record Training(String engine, String engineVersion, String device, int seed, int epochs, End end) {}

  /**
   * How the run ended (see {@code RunEnd}).
   *
   * @param kind completed, early_stopping or terminated
   * @param epoch the last epoch that ran
   * @param epochs the epochs set
   * @param callback the callback that stopped the run, or null
   * @param stage the stage it asked in, or null
   * @param reason the reason it gave, or null
   */
  public record End(String kind, int epoch, int epochs, String callback, String stage, String reason) {}

  /**
   * What {@code model.json} holds.
   *
   * @param format the layout version
   * @param torchwork the Torchwork version that saved it
   * @param learner the learner's id
   * @param origin the plugin the learner came from; null for a learner on the module path
   * @param taskType {@code classif} or {@code regr}
   * @param target the target column's name
   * @param features the features the data must have, in order (the preprocessing's inputs)
   * @param classes the class labels in output order; empty for regression
   * @param params every learner parameter, defaults included
   * @param callbackParams each callback's parameter values, by callback id, in the order given
   * @param standardization the training data's standardization, or null
   * @param training how the model was trained
   * @param callbacks each callback's state by id
   * @param preprocessing how features become the network's inputs; null in models of format 2 and
   *     before (numbers as they are, none missing)
   * @param id the task's id column, carried into predictions; null when none
   * @param read how the training data was read (a CSV file's decimal mark and missing-value tokens,
   *     an image folder's size, channels and normalization), to read data to predict alike; null or
   *     empty for the defaults
   */
  public record Meta(
      int format,
      String torchwork,
      String learner,
      Origin origin,
      String taskType,
      String target,
      List<String> features,
      List<String> classes,
      Map<String, Object> params,
      Map<String, Map<String, Object>> callbackParams,
      Standardization standardization,
      Training training,
      Map<String, Object> callbacks,
      Preprocessing preprocessing,
      String id,
      Map<String, String> read) {

    /**
     * This metadata with other callback states.
     *
     * @param states the states by callback id
     * @return a copy
     */
    public Meta withCallbacks(Map<String, Object> states) {
      return new Meta(format, torchwork, learner, origin, taskType, target, features, classes, params, callbackParams,
          standardization, training, states, preprocessing, id, read);
    }

    /**
     * How the model's features become the network's inputs.
     *
     * @return the preprocessing; for a model saved before it was recorded, its numbers as they are
     */
    public Preprocessing inputs() {
      return preprocessing != null ? preprocessing : Preprocessing.numeric(features);
    }
  }

  /**
   * A saved model read back and verified.
   *
   * @param dir its folder
   * @param meta what {@code model.json} holds
   * @param network the network's parameters
   * @param callbackTensors the callbacks' tensors, encoded, by callback id and name
   */
  public record Saved(Path dir, Meta meta, byte[] network, Map<String, Map<String, byte[]>> callbackTensors) {
    /**
     * Loads the parameters into a network built for them, not initialized yet.
     *
     * @param block the network
     * @param factory builds the same network afresh (to check the parameters' shapes)
     * @param manager the manager its parameters belong to
     * @throws TorchworkException when they do not fit
     */
    public void loadInto(Block block, Supplier<Block> factory, NDManager manager) {
      try {
        Tensors.loadNetwork(network, block, factory, manager, meta.inputs().batch(1));
      } catch (IOException | MalformedModelException | RuntimeException e) {
        throw new TorchworkException(WHAT + " " + dir + ": " + NETWORK + " does not fit the network learner '" + meta.learner()
            + "' builds (" + e.getMessage() + "). Build the network as the model was saved: the same learner parameters"
            + " (neurons, layers, ...; see model.json) and the same learner version" + (meta.origin() == null ? ""
                : " (plugin " + meta.origin().plugin() + " " + meta.origin().version() + ")") + ".", e);
      }
    }
  }

  /**
   * Checks that a run can fine-tune a saved model: the same learner, features (in order) and
   * classes; and, when the saved model standardized its features, the run uses its statistics,
   * so {@code standardize=true} without them is refused.
   *
   * @param saved the saved model
   * @param learnerId the run's learner
   * @param task the run's task
   * @param standardize the run's {@code standardize}
   * @throws TorchworkException naming each difference
   */
  public static void checkFineTune(Saved saved, String learnerId, Task task, boolean standardize) {
    Meta m = saved.meta();
    String where = WHAT + " " + saved.dir() + " (init_from)";
    if (!m.learner().equals(learnerId)) {
      throw new TorchworkException(where + " holds a model of learner '" + m.learner() + "', not '" + learnerId + "'. Fine-tune"
          + " it with --learner " + m.learner() + ".");
    }
    if (!m.features().equals(task.featureNames()) || !m.classes().equals(task.classes())) {
      throw new TorchworkException(where + " was trained on features " + m.features() + (m.classes().isEmpty() ? "" : " and classes "
          + m.classes()) + ", but task '" + task.id() + "' has " + task.featureNames() + (task.classes().isEmpty() ? "" : " and "
          + task.classes()) + ". Fine-tune on data with the same columns, in the same order, and the same classes.");
    }
    if (standardize && m.standardization() == null) {
      throw new TorchworkException(where + " was trained on features as they are, but standardize=true is set. Fine-tuning"
          + " keeps the saved model's scaling; remove standardize=true.");
    }
  }

  /**
   * Checks, before training, that a model can be saved to a folder.
   *
   * @param dir the folder
   * @param overwrite whether a model there may be replaced
   * @throws TorchworkException naming the folder, why not, and the fix
   */
  public static void checkTarget(Path dir, boolean overwrite) {
    Folders.checkTarget(dir, KIND, overwrite, WHAT);
  }

  /**
   * Saves a model atomically.
   *
   * @param dir the folder
   * @param meta what the model is
   * @param network the trained network
   * @param callbackTensors the callbacks' tensors, by callback id and name
   * @param overwrite whether a model there may be replaced
   * @throws TorchworkException when the folder may not or cannot be written
   */
  public static void write(Path dir, Meta meta, Block network, Map<String, Map<String, NDArray>> callbackTensors,
      boolean overwrite) {
    try {
      Bundle.Writer bundle = Bundle.writer(KIND, FORMAT)
          .entry(META, Json.bytes(meta.withCallbacks(Json.states(Json.tagged(meta.callbacks())))))
          .entry(NETWORK, Tensors.network(network));
      if (!callbackTensors.isEmpty()) {
        bundle.entry(Checkpoints.CALLBACK_TENSORS, out -> Tensors.writeNamed(out, callbackTensors));
      }
      bundle.writeFolder(dir, overwrite, WHAT);
    } catch (IOException e) {
      throw new TorchworkException(WHAT + " " + dir + " could not be written: " + e + ". Check that you can write there and"
          + " the disk has room; nothing was left behind that looks like a model.", e);
    }
  }

  /**
   * Reads a saved model, every file checked against its manifest first.
   *
   * @param dir the folder
   * @return the model's files
   * @throws TorchworkException naming the folder, the file and the fix
   */
  public static Saved read(Path dir) {
    Bundle.Read bundle = Bundle.readFolder(dir, KIND, WHAT, "Give the folder that train --save (or TrainedModel.save) wrote. "
        + UNUSABLE);
    if (bundle.version() < OLDEST || bundle.version() > FORMAT) {
      throw new TorchworkException(WHAT + " " + dir + " has layout version " + bundle.version() + "; this Torchwork reads version "
          + FORMAT + ". Load it with the Torchwork version that saved it.");
    }
    Meta meta;
    try {
      meta = Json.read(bundle.require(META, WHAT), Meta.class);
      meta = meta == null ? null : meta.withCallbacks(Json.states(Json.typed(meta.callbacks())));
    } catch (JsonParseException e) {
      throw new TorchworkException(WHAT + " " + dir + ": " + META + " cannot be read (" + e.getMessage() + "). " + UNUSABLE, e);
    }
    String problem = meta == null ? "it is empty" : problem(meta);
    if (problem != null) {
      throw new TorchworkException(WHAT + " " + dir + ": " + META + " is not valid: " + problem + ". " + UNUSABLE);
    }
    Map<String, Map<String, byte[]>> tensors;
    try {
      tensors = bundle.find(Checkpoints.CALLBACK_TENSORS).map(Tensors::readNamed).orElse(Map.of());
    } catch (IllegalArgumentException e) {
      throw new TorchworkException(WHAT + " " + dir + ": " + Checkpoints.CALLBACK_TENSORS + " cannot be read (" + e.getMessage()
          + "). " + UNUSABLE, e);
    }
    return new Saved(dir, meta, bundle.require(NETWORK, WHAT), tensors);
  }

  /** What is wrong with a model's description, if anything: every field present and in range. */
  private static String problem(Meta m) {
    Training t = m.training();
    Origin o = m.origin();
    String features = Json.badNames(m.features(), "feature names");
    String classes = Json.badNames(m.classes(), "class levels");
    return m.learner() == null ? "the learner is missing"
        : !"classif".equals(m.taskType()) && !"regr".equals(m.taskType()) ? "the task type is " + m.taskType()
        : m.target() == null ? "the target is missing"
        : features != null ? features
        : m.features().isEmpty() ? "there are no features"
        : classes != null ? classes
        : m.taskType().equals("classif") != m.classes().size() >= 2 ? "the task type and the " + m.classes().size() + " classes disagree"
        : m.params() == null ? "the learner parameters are missing"
        : t == null || t.engine() == null || t.engineVersion() == null || t.device() == null ? "how it was trained is missing"
        : t.epochs() < 0 ? "the epochs trained are " + t.epochs()
        : o != null && (o.plugin() == null || o.module() == null || o.version() == null || o.sha256() == null)
            ? "the learner's plugin is not fully described"
        : m.preprocessing() != null && !m.preprocessing().names().equals(m.features())
            ? "the preprocessing's inputs " + m.preprocessing().names() + " are not the features " + m.features()
        : m.standardization() != null && m.standardization().mean().length != m.inputs().width()
            ? "the standardization does not have one value per input of the network"
        : null;
  }
}
