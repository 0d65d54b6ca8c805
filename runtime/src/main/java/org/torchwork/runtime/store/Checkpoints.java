package org.torchwork.runtime.store;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.Standardization;

/**
 * Checkpoint files: everything a run needs to continue exactly where it stopped. A checkpoint is
 * a zip {@link Bundle} holding
 *
 * <ul>
 *   <li>{@code checkpoint.json}: the format, learner, epoch, global step, seed, shuffle state,
 *       learning rate, task columns, optimizer step counts, and every callback's state by id;
 *   <li>{@code network.params}: the network's parameters (DJL's parameter format);
 *   <li>{@code optimizer.bin}: the optimizer's moment tensors, by parameter name;
 *   <li>{@code best_weights.bin}: with early stopping's {@code restore_best_weights}, the best
 *       epoch's weights;
 *   <li>{@code manifest.json}: the size and SHA-256 of each of these, checked before any is used.
 * </ul>
 *
 * <p>A save replaces the file in one atomic rename: a crash mid-write leaves the previous
 * checkpoint intact.
 */
public final class Checkpoints {
  /** The checkpoint format this Torchwork writes and reads. */
  public static final int FORMAT = 5;
  /** The first format whose settings hold the data and loss parameters (impute, loss, ...). */
  static final int FIRST_WITH_DATA_SETTINGS = 5;
  /** The oldest format this Torchwork reads: 3, before callbacks' tensors. */
  static final int OLDEST = 3;
  private static final String KIND = "torchwork-checkpoint";
  private static final String META = "checkpoint.json";
  private static final String NETWORK = "network.params";
  private static final String OPTIMIZER = "optimizer.bin";
  private static final String BEST_WEIGHTS = "best_weights.bin";
  private static final String PARTIAL = "partial_epoch.bin";
  /** The callbacks' tensors ({@code CallbackSet.tensors()}), by callback id and name. */
  static final String CALLBACK_TENSORS = "callback_tensors.bin";
  private static final String UNUSABLE = "It is damaged or not a Torchwork checkpoint; resume from another one.";
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{1,9})(?:\\+(\\d{1,9}))?\\.zip");

  /** Checkpoint files in the order they were written: by epoch, then by batch. */
  public static final Comparator<Path> ORDER = Comparator.comparingLong(Checkpoints::position);

  private Checkpoints() {}

  /**
   * The file name of a checkpoint: {@code checkpoint-<epoch>.zip} between epochs, and
   * {@code checkpoint-<epoch>+<step>.zip} after batch {@code step} of the next epoch.
   *
   * @param epoch the epochs done
   * @param step the batches of the next epoch done
   * @return the name
   */
  public static String fileName(int epoch, int step) {
    return "checkpoint-" + epoch + (step == 0 ? "" : "+" + step) + ".zip";
  }

  /** A checkpoint file's place in its run: epochs then batches, or -1 for another file. */
  private static long position(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) * 1_000_000_000L + (m.group(2) == null ? 0 : Long.parseLong(m.group(2))) : -1;
  }

  /**
   * The checkpoint files of a folder, oldest first.
   *
   * @param dir the folder
   * @return the files named like checkpoints
   * @throws IOException when the folder cannot be read
   */
  public static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> position(p) >= 0).sorted(ORDER).collect(Collectors.toList());
    }
  }

  /**
   * What a checkpoint holds besides tensors.
   *
   * @param format the checkpoint format
   * @param learner the learner's id
   * @param epoch the epochs done
   * @param globalStep the batches done
   * @param seed the run's seed
   * @param shuffleState the state of the random numbers that order the rows
   * @param learningRate the learning rate in force
   * @param features the task's feature names (the preprocessing's inputs)
   * @param classes the task's classes
   * @param settings the learner parameters a resume must keep, as written
   * @param optimizerSteps each parameter's number of updates, by parameter name
   * @param callbackIds the run's callbacks
   * @param callbacks each callback's state by id
   * @param standardization the run's standardization, or null: a resume uses it as it was
   * @param run the id of the run that wrote it; a resume continues that run
   * @param step the batches of epoch {@code epoch + 1} done (0 between epochs)
   * @param epochLoss the sum of those batches' losses, each times its weight (its rows, or their weights' sum)
   * @param published the sums and counts of the values published in that epoch so far, by name
   * @param end how the run ends, for a checkpoint saved once it is known (after its last epoch, or
   *     once a callback asked it to stop); null before
   * @param preprocessing how the run prepares its features; null in checkpoints of format 4 and
   *     before (numbers as they are)
   */
  public record Meta(
      int format,
      String learner,
      int epoch,
      int globalStep,
      int seed,
      long shuffleState,
      double learningRate,
      List<String> features,
      List<String> classes,
      Map<String, String> settings,
      Map<String, Integer> optimizerSteps,
      List<String> callbackIds,
      Map<String, Object> callbacks,
      Standardization standardization,
      String run,
      int step,
      double epochLoss,
      Map<String, List<Double>> published,
      org.torchwork.runtime.RunEnd end,
      Preprocessing preprocessing) {

    /**
     * This metadata with other callback states.
     *
     * @param states the states by callback id
     * @return a copy
     */
    public Meta withCallbacks(Map<String, Object> states) {
      return new Meta(format, learner, epoch, globalStep, seed, shuffleState, learningRate, features, classes, settings,
          optimizerSteps, callbackIds, states, standardization, run, step, epochLoss, published, end, preprocessing);
    }

    /**
     * The shape of a batch of one row as the network takes it.
     *
     * @return {@code (1, dims...)}: the encoded columns, or the rows' tensor shape
     */
    public long[] input() {
      return preprocessing != null ? preprocessing.batch(1) : new long[] {1, features.size()};
    }
  }

  /** A checkpoint read back. */
  public record Loaded(Path file, Meta meta, byte[] network, Map<String, List<byte[]>> optimizerSlots, List<byte[]> bestWeights,
      Partial partial, Map<String, Map<String, byte[]>> callbackTensors) {}

  /**
   * The training predictions of an epoch in progress, for its training measures.
   *
   * @param truth each row's truth
   * @param values each row's probabilities (classification, row-major) or response (regression)
   */
  public record Partial(float[] truth, float[] values) {}

  /** Learner parameters a resumed run may change; every other one must match the checkpoint's. */
  public static final Set<String> CHANGEABLE = Set.of("epochs", "resume", "engine", "device", "devices", "seed");

  /** The learner's parameters that a resume must keep, formatted as users write them. */
  public static Map<String, String> settings(ParamValues params) {
    Map<String, String> out = new TreeMap<>();
    params.asMap().forEach((k, v) -> {
      if (!CHANGEABLE.contains(k)) {
        out.put(k, org.torchwork.api.Param.format(v));
      }
    });
    return out;
  }

  /** Writes a checkpoint atomically. */
  public static void write(Path file, Meta meta, Block network, Map<String, NDArray[]> optimizerSlots, List<NDArray> bestWeights,
      Partial partial, Map<String, Map<String, NDArray>> callbackTensors) {
    AtomicFiles.requireReplaceable(file, "Checkpoint", "Give the checkpoint callback a folder of its own (cb.checkpoint.path).");
    Bundle.Writer bundle = Bundle.writer(KIND, FORMAT)
        .entry(META, Json.bytes(meta.withCallbacks(Json.states(Json.tagged(meta.callbacks())))))
        .entry(NETWORK, Tensors.network(network))
        .entry(OPTIMIZER, out -> Tensors.writeSlots(out, optimizerSlots));
    if (!bestWeights.isEmpty()) {
      bundle.entry(BEST_WEIGHTS, out -> Tensors.writeArrays(new DataOutputStream(out), bestWeights));
    }
    if (!callbackTensors.isEmpty()) {
      bundle.entry(CALLBACK_TENSORS, out -> Tensors.writeNamed(out, callbackTensors));
    }
    if (partial != null) {
      bundle.entry(PARTIAL, out -> {
        DataOutputStream data = new DataOutputStream(out);
        writeFloats(data, partial.truth());
        writeFloats(data, partial.values());
        data.flush();
      });
    }
    try {
      bundle.writeZip(file);
    } catch (IOException e) {
      throw new TorchworkException("Checkpoint " + file + " could not be written: " + e + ". Check that its directory is"
          + " writable and the disk has room; the previous checkpoint, if any, is unchanged.", e);
    }
  }

  /**
   * Reads a checkpoint: a checkpoint file, or a directory, whose latest {@code checkpoint-N.zip}
   * is read. Every entry is checked against the checkpoint's manifest before it is used.
   */
  public static Loaded read(Path path) {
    Path file = Files.isDirectory(path) ? latest(path) : path;
    if (!Files.exists(file)) {
      throw new TorchworkException("Checkpoint " + file + " does not exist. Give resume= a checkpoint file, or the"
          + " directory the checkpoint callback wrote to.");
    }
    Bundle.Read bundle = Bundle.readZip(file, KIND, "Checkpoint", UNUSABLE);
    if (bundle.version() < OLDEST || bundle.version() > FORMAT) {
      throw new TorchworkException("Checkpoint " + file + " has format " + bundle.version() + "; this Torchwork reads format "
          + FORMAT + ". Resume with the Torchwork version that wrote it.");
    }
    try {
      Meta meta = checked(Json.read(bundle.require(META, "Checkpoint"), Meta.class), file);
      meta = meta.withCallbacks(Json.states(Json.typed(meta.callbacks())));
      Map<String, List<byte[]>> slots = Tensors.readSlots(bundle.require(OPTIMIZER, "Checkpoint"));
      List<byte[]> best = bundle.find(BEST_WEIGHTS).map(Tensors::readArrays).orElse(List.of());
      Partial partial = bundle.find(PARTIAL).map(Checkpoints::readPartial).orElse(null);
      Map<String, Map<String, byte[]>> tensors = bundle.find(CALLBACK_TENSORS).map(Tensors::readNamed).orElse(Map.of());
      if (Files.isDirectory(path)) {
        CheckpointFolder.Owner owner = CheckpointFolder.owner(path);
        if (owner != null && !owner.run().equals(meta.run())) {
          throw new TorchworkException("Checkpoint " + file + ", the latest in " + path + ", was written by run " + meta.run()
              + ", but " + path.resolve(CheckpointFolder.RUN_FILE) + " says the folder belongs to run " + owner.run() + ". Resume"
              + " from a checkpoint file you know belongs to the run you want (resume=FILE).");
        }
      }
      return new Loaded(file, meta, bundle.require(NETWORK, "Checkpoint"), slots, best, partial, tensors);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new TorchworkException("Checkpoint " + file + " cannot be read: " + e.getMessage() + ". " + UNUSABLE, e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  private static Partial readPartial(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      Partial p = new Partial(readFloats(in, bytes.length), readFloats(in, bytes.length));
      if (in.read() != -1) {
        throw new IllegalArgumentException(PARTIAL + " has bytes after its arrays");
      }
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException(PARTIAL + " is cut short");
    }
  }

  private static float[] readFloats(DataInputStream in, int available) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > available / Float.BYTES) {
      throw new IllegalArgumentException(PARTIAL + " declares " + n + " values, more than it holds");
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  /**
   * A checkpoint as people read it.
   *
   * @param c the checkpoint
   * @return e.g. {@code checkpoint ckpt/checkpoint-3+5.zip (epoch 3 and 5 batch(es) of epoch 4 done)}
   */
  public static String describe(Loaded c) {
    int e = c.meta().epoch();
    int k = c.meta().step();
    boolean finished = c.meta().end() != null && k == 0;
    return "checkpoint " + c.file() + " (" + (finished ? "the finished run: " + e + " epoch(s), nothing left to train"
        : k == 0 ? e + " epoch(s) done" : "epoch " + e + " and " + k + " batch(es) of epoch " + (e + 1) + " done"
            + (c.meta().end() != null ? ", the run ending with that epoch" : "")) + ")";
  }

  /** A checkpoint's metadata with every field present and in range. */
  private static Meta checked(Meta m, Path file) {
    String problem = m == null ? "it is empty"
        : m.format() < OLDEST || m.format() > FORMAT ? "its format is " + m.format()
        : m.learner() == null ? "the learner is missing"
        : m.epoch() < 0 ? "the epoch is " + m.epoch()
        : m.globalStep() < 0 ? "the global step is " + m.globalStep()
        : m.step() < 0 || m.step() > m.globalStep() ? "the step is " + m.step()
        : !Double.isFinite(m.epochLoss()) && m.step() > 0 ? "the epoch's loss is " + m.epochLoss()
        : m.run() == null || m.run().isBlank() ? "the run id is missing"
        : !(m.learningRate() > 0) || Double.isInfinite(m.learningRate()) ? "the learning rate is " + m.learningRate()
        : Json.badNames(m.features(), "feature names") != null ? Json.badNames(m.features(), "feature names")
        : Json.badNames(m.classes(), "class levels") != null ? Json.badNames(m.classes(), "class levels")
        : m.settings() == null ? "the settings are missing"
        : m.optimizerSteps() == null || m.optimizerSteps().values().stream().anyMatch(n -> n == null || n < 0)
            ? "the optimizer's step counts are missing or negative"
        : Json.badNames(m.callbackIds(), "callback ids") != null ? Json.badNames(m.callbackIds(), "callback ids")
        : m.callbacks() == null ? "the callback states are missing"
        : null;
    if (problem != null) {
      throw new TorchworkException("Checkpoint " + file + ": " + META + " is not valid: " + problem + ". " + UNUSABLE);
    }
    return m;
  }

  private static Path latest(Path dir) {
    List<Path> all;
    try {
      all = list(dir);
    } catch (IOException e) {
      throw new TorchworkException("Directory " + dir + " cannot be read: " + e.getMessage() + ".", e);
    }
    if (all.isEmpty()) {
      throw new TorchworkException("Directory " + dir + " holds no checkpoint (checkpoint-N.zip). Give resume= the directory"
          + " the checkpoint callback wrote to, or a checkpoint file.");
    }
    return all.get(all.size() - 1);
  }

  /** Loads saved parameters into a network that is not initialized yet. */
  public static void loadNetwork(Loaded checkpoint, Block network, Supplier<Block> factory, NDManager manager) {
    try {
      Tensors.loadNetwork(checkpoint.network(), network, factory, manager, checkpoint.meta().input());
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new TorchworkException("Checkpoint " + checkpoint.file() + " does not fit this network: " + e + ". Resume with"
          + " the same learner and network parameters (neurons, layers, ...) the checkpoint was saved with.", e);
    }
  }

  /**
   * The optimizer's saved state, by parameter id.
   *
   * @param steps the number of updates of each parameter
   * @param slots the state tensors of each parameter
   */
  public record OptimizerState(Map<String, Integer> steps, Map<String, List<NDArray>> slots) {}

  /** The optimizer's saved state, matching saved parameter names to this network's parameter ids. */
  public static OptimizerState optimizerState(Loaded checkpoint, Map<String, String> nameToId, NDManager manager) {
    Map<String, Integer> steps = new HashMap<>();
    Map<String, List<NDArray>> slots = new LinkedHashMap<>();
    checkpoint.meta().optimizerSteps().forEach((name, n) -> steps.put(require(nameToId, name, checkpoint), n));
    checkpoint.optimizerSlots().forEach((name, arrays) -> {
      List<NDArray> decoded = new ArrayList<>();
      for (byte[] bytes : arrays) {
        decoded.add(NDArray.decode(manager, bytes));
      }
      slots.put(require(nameToId, name, checkpoint), decoded);
    });
    return new OptimizerState(steps, slots);
  }

  private static String require(Map<String, String> nameToId, String name, Loaded checkpoint) {
    String id = nameToId.get(name);
    if (id == null) {
      throw new TorchworkException("Checkpoint " + checkpoint.file() + " has optimizer state for parameter '" + name
          + "', which this network does not have. Resume with the network the checkpoint was saved with.");
    }
    return id;
  }

  /**
   * Checks that a run may resume from a checkpoint: the same learner, task columns, callbacks,
   * settings and seed, and epochs left to train.
   *
   * @param c the checkpoint
   * @param learnerId the run's learner
   * @param task the run's task
   * @param callbackIds the ids of the run's callbacks, early stopping included
   * @param p the run's learner parameters
   * @param given the parameters the run sets itself (not left at their defaults)
   * @param finishedIsFine whether a finished run's last checkpoint may give back the finished
   *     model ({@code resume=auto}) instead of being refused for leaving nothing to train
   * @throws TorchworkException naming every difference
   */
  public static void checkFits(Loaded c, String learnerId, Task task, Set<String> callbackIds, ParamValues p, Set<String> given,
      boolean finishedIsFine) {
    Meta meta = c.meta();
    String where = "Checkpoint " + c.file();
    if (!meta.learner().equals(learnerId)) {
      throw new TorchworkException(where + " was saved by learner '" + meta.learner() + "', not '" + learnerId
          + "'. Resume with --learner " + meta.learner() + ".");
    }
    if (!meta.features().equals(task.featureNames()) || !meta.classes().equals(task.classes())) {
      throw new TorchworkException(where + " was trained on features " + meta.features() + (meta.classes().isEmpty() ? "" : " and classes "
          + meta.classes()) + ", but task '" + task.id() + "' has " + task.featureNames() + (task.classes().isEmpty() ? "" : " and "
          + task.classes()) + ". Resume on the task the checkpoint was trained on.");
    }
    Set<String> saved = new TreeSet<>(meta.callbackIds());
    Set<String> now = new TreeSet<>(callbackIds);
    if (!saved.equals(now)) {
      Set<String> missing = new TreeSet<>(saved);
      missing.removeAll(now);
      Set<String> extra = new TreeSet<>(now);
      extra.removeAll(saved);
      throw new TorchworkException(where + " holds the state of callbacks " + saved + ", but this run has " + now + ("."
          + (missing.isEmpty() ? "" : " Missing here: " + missing + ".") + (extra.isEmpty() ? "" : " Not in the checkpoint: " + extra + "."))
          + " Resume with the same callbacks, so that no state is silently dropped or invented.");
    }
    Map<String, String> settings = settings(p);
    if (!settings.equals(meta.settings())) {
      List<String> differences = new ArrayList<>();
      Set<String> keys = new TreeSet<>(settings.keySet());
      keys.addAll(meta.settings().keySet());
      for (String k : keys) {
        String then = meta.settings().get(k);
        String here = settings.get(k);
        // A parameter newer than the checkpoint (impute, loss, ...) left at its default trains as the run did.
        boolean newer = then == null && meta.format() < FIRST_WITH_DATA_SETTINGS && !given.contains(k);
        if (!Objects.equals(then, here) && !newer) {
          differences.add(k + " was " + (then == null ? "unset" : then) + ", is " + (here == null ? "unset" : here));
        }
      }
      if (!differences.isEmpty()) {
        throw new TorchworkException(where + " was trained with other settings: " + String.join("; ", differences)
            + ". A resumed run must keep every learner parameter but " + String.join(", ", new TreeSet<>(CHANGEABLE))
            + "; set them as the checkpoint has them, or start a new run: set cb.checkpoint.fresh=true (which deletes"
            + " this run's checkpoints) or give cb.checkpoint.path another folder.");
      }
    }
    // A finished run's last checkpoint gives back the finished model (resume=auto's third attempt).
    if (p.getInt("epochs") <= meta.epoch() && !(finishedIsFine && meta.end() != null && meta.step() == 0)) {
      throw new TorchworkException(where + " is at epoch " + meta.epoch() + ", so epochs=" + p.getInt("epochs")
          + " leaves nothing to train. Set epochs above " + meta.epoch() + ".");
    }
    if (p.has("seed") && p.getInt("seed") != meta.seed()) {
      throw new TorchworkException(where + " was trained with seed " + meta.seed() + ", but seed=" + p.getInt("seed")
          + " is set. Leave seed unset (the checkpoint's is used) or set it to " + meta.seed() + ".");
    }
  }


  /** Parameter id to stable name, and back, for a network. */
  public static Map<String, String> idToName(Block network) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : network.getParameters()) {
      map.put(p.getValue().getId(), p.getKey());
    }
    return map;
  }
}
