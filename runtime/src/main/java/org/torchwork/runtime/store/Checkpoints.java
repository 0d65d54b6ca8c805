package org.torchwork.runtime.store;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberStrategy;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/**
 * Checkpoint files: everything a run needs to continue exactly where it stopped. A checkpoint is
 * one zip file holding
 *
 * <ul>
 *   <li>{@code checkpoint.json}: the format, learner, epoch, global step, seed, shuffle state,
 *       learning rate, task columns, optimizer step counts, and every callback's state by id;
 *   <li>{@code network.params}: the network's parameters (DJL's parameter format);
 *   <li>{@code optimizer.bin}: the optimizer's moment tensors, by parameter name.
 * </ul>
 *
 * <p>A save writes a temporary file beside the target, flushes it to disk, then renames it over
 * the target in one atomic step: a crash mid-write leaves the previous checkpoint intact.
 */
public final class Checkpoints {
  /** The checkpoint format this Torchwork writes and reads. */
  public static final int FORMAT = 1;
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.zip");
  private static final Gson GSON = new GsonBuilder()
      .serializeNulls()
      .serializeSpecialFloatingPointValues()
      .setPrettyPrinting()
      .setObjectToNumberStrategy((ToNumberStrategy) in -> {
        String s = in.nextString();
        if (s.matches("-?\\d+")) {
          BigDecimal d = new BigDecimal(s);
          if (d.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0 && d.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0) {
            return Integer.valueOf(s);
          }
          if (d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0 && d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0) {
            return Long.valueOf(s);
          }
        }
        return Double.valueOf(s);
      })
      .create();

  private Checkpoints() {}

  /** The file name of the checkpoint saved after an epoch. */
  public static String fileName(int epoch) {
    return "checkpoint-" + epoch + ".zip";
  }

  /** What a checkpoint holds besides tensors. */
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
      Map<String, Object> callbacks) {}

  /** A checkpoint read back. */
  public record Loaded(Path file, Meta meta, byte[] network, Map<String, List<byte[]>> optimizerSlots, List<byte[]> bestWeights) {}

  /** Learner parameters a resumed run may change; every other one must match the checkpoint's. */
  public static final Set<String> CHANGEABLE = Set.of("epochs", "resume", "engine", "device", "seed");

  /** The learner's parameters that a resume must keep, formatted as users write them. */
  public static Map<String, String> settings(ParamValues params) {
    Map<String, String> out = new java.util.TreeMap<>();
    params.asMap().forEach((k, v) -> {
      if (!CHANGEABLE.contains(k)) {
        out.put(k, org.torchwork.api.Param.format(v));
      }
    });
    return out;
  }

  /** A value as it comes back from a checkpoint (JSON): lists, maps, strings, booleans, Integer, Long, Double. */
  @SuppressWarnings("unchecked")
  public static <T> T plain(T value) {
    return value == null ? null : (T) GSON.fromJson(GSON.toJson(value), Object.class);
  }

  /** Writes a checkpoint atomically. */
  public static void write(Path file, Meta meta, Block network, Map<String, NDArray[]> optimizerSlots, List<NDArray> bestWeights) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        try (FileOutputStream fos = new FileOutputStream(tmp.toFile()); ZipOutputStream zip = new ZipOutputStream(fos)) {
          zip.putNextEntry(new ZipEntry("checkpoint.json"));
          zip.write(GSON.toJson(meta).getBytes(StandardCharsets.UTF_8));
          zip.closeEntry();
          zip.putNextEntry(new ZipEntry("network.params"));
          DataOutputStream out = new DataOutputStream(zip);
          network.saveParameters(out);
          out.flush();
          zip.closeEntry();
          zip.putNextEntry(new ZipEntry("optimizer.bin"));
          writeSlots(out, optimizerSlots);
          out.flush();
          zip.closeEntry();
          if (!bestWeights.isEmpty()) {
            zip.putNextEntry(new ZipEntry("best_weights.bin"));
            writeArrays(out, bestWeights);
            out.flush();
            zip.closeEntry();
          }
          zip.finish();
          fos.getFD().sync();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new TorchworkException("Checkpoint " + file + " could not be written: " + e + ". Check that its directory is"
          + " writable and the disk has room; the previous checkpoint, if any, is unchanged.", e);
    }
  }

  private static void writeSlots(DataOutputStream out, Map<String, NDArray[]> slots) throws IOException {
    out.writeInt(slots.size());
    for (Map.Entry<String, NDArray[]> e : slots.entrySet()) {
      out.writeUTF(e.getKey());
      writeArrays(out, List.of(e.getValue()));
    }
  }

  private static void writeArrays(DataOutputStream out, List<NDArray> arrays) throws IOException {
    out.writeInt(arrays.size());
    for (NDArray a : arrays) {
      byte[] bytes = a.encode();
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  private static List<byte[]> readArrays(DataInputStream in) throws IOException {
    int count = in.readInt();
    List<byte[]> arrays = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      arrays.add(in.readNBytes(in.readInt()));
    }
    return arrays;
  }

  /**
   * Reads a checkpoint: a checkpoint file, or a directory, whose latest {@code checkpoint-N.zip}
   * is read.
   */
  public static Loaded read(Path path) {
    Path file = Files.isDirectory(path) ? latest(path) : path;
    if (!Files.isRegularFile(file)) {
      throw new TorchworkException("Checkpoint " + file + " does not exist. Give resume= a checkpoint file, or the"
          + " directory the checkpoint callback wrote to.");
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Meta meta = GSON.fromJson(new String(entry(zip, "checkpoint.json", file), StandardCharsets.UTF_8), Meta.class);
      if (meta == null || meta.format() != FORMAT) {
        throw new TorchworkException("Checkpoint " + file + " has format " + (meta == null ? "?" : meta.format())
            + "; this Torchwork reads format " + FORMAT + ". Resume with the Torchwork version that wrote it.");
      }
      byte[] network = entry(zip, "network.params", file);
      Map<String, List<byte[]>> slots = new LinkedHashMap<>();
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry(zip, "optimizer.bin", file)))) {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          String name = in.readUTF();
          slots.put(name, readArrays(in));
        }
      }
      List<byte[]> best = List.of();
      if (zip.getEntry("best_weights.bin") != null) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry(zip, "best_weights.bin", file)))) {
          best = readArrays(in);
        }
      }
      return new Loaded(file, meta, network, slots, best);
    } catch (IOException | JsonParseException | NumberFormatException e) {
      throw new TorchworkException("Checkpoint " + file + " cannot be read: " + e + ". It is damaged or not a Torchwork"
          + " checkpoint; resume from another one.", e);
    }
  }

  private static byte[] entry(ZipFile zip, String name, Path file) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new TorchworkException("Checkpoint " + file + " has no " + name + "; it is not a complete Torchwork checkpoint.");
    }
    try (InputStream in = zip.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  private static Path latest(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      Optional<Path> best = s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .max((a, b) -> Integer.compare(epochOf(a), epochOf(b)));
      return best.orElseThrow(() -> new TorchworkException("Directory " + dir + " holds no checkpoint (checkpoint-N.zip)."
          + " Give resume= the directory the checkpoint callback wrote to, or a checkpoint file."));
    } catch (IOException e) {
      throw new TorchworkException("Directory " + dir + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  private static int epochOf(Path p) {
    Matcher m = NAME.matcher(p.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Loads saved parameters into a network that is not initialized yet. */
  public static void loadNetwork(Loaded checkpoint, Block network, NDManager manager) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(checkpoint.network()))) {
      network.loadParameters(manager, in);
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
   * @throws TorchworkException naming every difference
   */
  public static void checkFits(Loaded c, String learnerId, Task task, Set<String> callbackIds, ParamValues p) {
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
        if (!Objects.equals(then, here)) {
          differences.add(k + " was " + (then == null ? "unset" : then) + ", is " + (here == null ? "unset" : here));
        }
      }
      throw new TorchworkException(where + " was trained with other settings: " + String.join("; ", differences)
          + ". A resumed run must keep every learner parameter but " + String.join(", ", new TreeSet<>(CHANGEABLE))
          + "; set them as the checkpoint has them.");
    }
    if (p.getInt("epochs") <= meta.epoch()) {
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
