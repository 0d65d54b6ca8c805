package org.torchwork.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.torchwork.api.Param;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.data.CsvTable;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.NpyFiles;
import org.torchwork.data.RowCache;
import org.torchwork.runtime.tune.TaskReference;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What a run is made of, as {@code train}, {@code resample} and {@code tune} take it: a run config
 * file and the flags that override it (task, learner, callbacks, settings, engine, device).
 */
final class RunOptions {
  @Option(names = "--config", paramLabel = "FILE.yaml",
      description = "A run config file holding any of the settings below; flags override it.")
  Path config;

  @Option(names = "--task", paramLabel = "ID|FILE",
      description = "A built-in task id (iris), a CSV file with a header row (then also --target), an IDX images file"
          + " (MNIST's format, e.g. train-images-idx3-ubyte.gz), an NPY array (then also --labels) or a folder of images (one"
          + " subfolder per class).")
  String task;

  @Option(names = "--target", paramLabel = "COLUMN", description = "The target column of a CSV task.")
  String target;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "The labels of an IDX images file (default: the labels file beside it, by the standard names) or of an NPY"
          + " array (FILE.npy, one per row).")
  Path labels;

  @Option(names = "--stream", description = "Read the task a batch at a time from a binary cache beside it (DATA.rows: built once,"
      + " rebuilt when the data changes), for data larger than memory: a CSV file of numbers, an IDX file or an image folder.")
  boolean stream;

  @Option(names = "--cache", paramLabel = "FILE", description = "Where --stream keeps the cache (default: beside the data).")
  Path cache;

  @Mixin TableOptions table = new TableOptions();

  @Mixin ImageOptions images = new ImageOptions();

  @Option(names = "--learner", paramLabel = "ID", description = "The learner, e.g. classif.mlp or regr.mlp.")
  String learner;

  @Option(names = "--callbacks", split = ",", paramLabel = "ID", description = "Callbacks by id, e.g. history,progress.")
  List<String> callbacks;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A learner parameter (epochs=5) or a callback parameter (cb.<id>.<param>=value); repeatable.")
  List<String> settings = new ArrayList<>();

  @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, pytorch, ... (same as --set engine=...).")
  String engine;

  @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N (same as --set device=...).")
  String device;

  private RunConfig file;

  /** The run config file, read once; null without --config. */
  RunConfig file() {
    if (file == null && config != null) {
      file = RunConfig.read(config);
    }
    return file;
  }

  /** The learner id, from the flag or the file. */
  String learnerId() {
    return setting(learner, file(), "learner", "--learner ID (e.g. classif.mlp)");
  }

  /** A flag's value, else the config file's, else an error saying what to give. */
  static String setting(String flag, RunConfig file, String key, String how) {
    if (flag != null) {
      return flag;
    }
    if (file != null && file.scalar(key).isPresent()) {
      return file.scalar(key).get().value();
    }
    throw new TorchworkException(
        "No " + key + " given. Give " + how + ", or " + key + ": in a config file (--config run.yaml).");
  }

  /** Runs an action on a setting, naming the config file's line on failure when the setting came from it. */
  static <T> T locate(RunConfig file, String key, String flag, Supplier<T> action) {
    if (flag != null || file == null || file.scalar(key).isEmpty()) {
      return action.get();
    }
    return file.scalar(key).get().apply(action);
  }

  /** Where the task comes from, streamed through a cache when --stream (or stream: true) says so. */
  TaskReference taskReference() {
    TaskReference ref = source();
    RunConfig file = file();
    boolean streamed = stream || (file != null && file.scalar("stream").map(v -> v.apply(() -> {
      if (!v.value().equals("true") && !v.value().equals("false")) {
        throw new TorchworkException("stream must be true or false, not '" + v.value() + "'.");
      }
      return Boolean.parseBoolean(v.value());
    })).orElse(false));
    Path cacheFile = cache != null ? cache : file == null ? null : file.path("cache").orElse(null);
    if (!streamed) {
      if (cacheFile != null) {
        throw new TorchworkException("--cache says where --stream keeps its cache, but the task is not streamed. Add --stream, or"
            + " remove --cache.");
      }
      return ref;
    }
    if (ref.id() != null) {
      throw new TorchworkException("--stream reads a file a batch at a time; task '" + ref.id() + "' is built in and held in memory."
          + " Remove --stream, or give a CSV file, an IDX file or an image folder.");
    }
    return ref.streamed(cacheFile);
  }

  /** Where the task comes from: a built-in id, or a CSV file (relative to the config file when named there) and its target. */
  private TaskReference source() {
    RunConfig file = file();
    String task = setting(this.task, file, "task", "--task ID or --task FILE.csv");
    String target = this.target != null ? this.target : file == null ? null : file.scalar("target").map(RunConfig.Located::value).orElse(null);
    boolean looksLikeFile = TableOptions.isFile(task);
    Map<String, String> imageSettings = images.settings(file);
    if (java.nio.file.Files.isDirectory(Path.of(task)) || (this.task == null && file != null && dirOf(task))) {
      if (target != null) {
        throw new TorchworkException("--target is for CSV files; image folder " + task + " has its classes as subfolders. Remove"
            + " --target.");
      }
      Path dir = Path.of(task);
      if (this.task == null && !dir.isAbsolute()) {
        Path base = file.file.toAbsolutePath().getParent();
        dir = base == null ? dir : base.resolve(dir).normalize();
      }
      return TaskReference.images(dir, imageSettings);
    }
    if (!imageSettings.isEmpty()) {
      throw new TorchworkException("--" + imageSettings.keySet().iterator().next() + " is for folders of images; task " + task
          + " is not one. Remove it.");
    }
    if (looksLikeFile && IdxFiles.isIdx(Path.of(task))) {
      if (target != null) {
        throw new TorchworkException("--target is for CSV files; IDX images file " + task + " has its labels in a labels file"
            + " (--labels FILE, or the one beside it). Remove --target.");
      }
      Path images = Path.of(task);
      Path labelFile = labels != null ? labels : file == null ? null : file.path("labels").orElse(null);
      if (this.task == null && !images.isAbsolute()) {
        Path dir = file.file.toAbsolutePath().getParent();
        images = dir == null ? images : dir.resolve(images).normalize();
      }
      return TaskReference.idx(images, labelFile);
    }
    if (looksLikeFile && NpyFiles.isNpy(Path.of(task))) {
      if (target != null) {
        throw new TorchworkException("--target is for CSV files; NPY features file " + task + " has its labels in an NPY labels file"
            + " (--labels FILE). Remove --target.");
      }
      Path features = Path.of(task);
      Path labelFile = labels != null ? labels : file == null ? null : file.path("labels").orElse(null);
      if (labelFile == null) {
        throw new TorchworkException("NPY features file " + task + " needs its labels to train on: --labels FILE.npy (one per row).");
      }
      if (this.task == null && !features.isAbsolute()) {
        Path dir = file.file.toAbsolutePath().getParent();
        features = dir == null ? features : dir.resolve(features).normalize();
      }
      return TaskReference.npy(features, labelFile);
    }
    if (labels != null) {
      throw new TorchworkException("--labels is for IDX images files and NPY arrays; task " + task + " is neither. Remove --labels.");
    }
    Map<String, String> settings = table.settings(file);
    if (!looksLikeFile) {
      if (target != null) {
        throw new TorchworkException(
            "--target is only for CSV tasks; task '" + task + "' is built in and has its own target. Remove --target.");
      }
      if (!settings.isEmpty()) {
        throw new TorchworkException("--" + settings.keySet().iterator().next() + " is only for CSV tasks; task '" + task + "' is built"
            + " in. Remove it.");
      }
      return TaskReference.builtIn(task);
    }
    if (target == null) {
      throw new TorchworkException(
          "Task file " + task + " needs --target COLUMN to name the column to predict.");
    }
    Path csv = Path.of(task);
    if (this.task == null && !csv.isAbsolute()) {
      Path dir = file.file.toAbsolutePath().getParent();
      csv = dir == null ? csv : dir.resolve(csv).normalize();
    }
    return TaskReference.csv(csv, target, settings);
  }

  /** Whether a config file's relative task names a folder beside it. */
  private boolean dirOf(String task) {
    Path dir = file.file.toAbsolutePath().getParent();
    return dir != null && !Path.of(task).isAbsolute() && java.nio.file.Files.isDirectory(dir.resolve(task));
  }

  /** Loads the task, naming the config file's line when it came from there. */
  Task loadTask(Platform platform, TaskType type) {
    return loadTask(platform, type, null);
  }

  /**
   * Loads the task, naming the config file's line when it came from there; what reading a CSV file
   * left out or dropped goes to {@code notes} as lines starting with {@code note:}.
   */
  Task loadTask(Platform platform, TaskType type, java.io.PrintWriter notes) {
    return locate(file(), "task", task, () -> {
      TaskReference ref = taskReference();
      if (ref.isStreamed()) {
        RowCache.Opened opened = ref.open(type);
        if (notes != null) {
          notes.println("note: " + (opened.built() == null ? "streaming rows from cache " + opened.cache()
              : "built cache " + opened.cache() + " of " + ref.csv() + " (" + opened.built() + ")"));
          notes.flush();
        }
        return opened.task();
      }
      if (ref.csv() == null || ref.isIdx() || ref.isNpy() || ref.isImages()) {
        return ref.load(platform, type);
      }
      CsvTable.Loaded loaded = ref.table().read(type);
      if (notes != null) {
        loaded.report().notes().forEach(n -> notes.println("note: task file " + ref.csv() + ": " + n));
        notes.flush();
      }
      return loaded.task();
    });
  }

  /** A file read like the task (validation data): in the task's format (separator, decimal mark, missing-value tokens). */
  Task readLike(Path csv, Task like) {
    CsvTable valid = CsvTable.of(csv);
    Map<String, String> settings = table.settings(file());
    for (String key : List.of("sep", "decimal", "na")) {
      if (settings.containsKey(key)) {
        valid.set(key, settings.get(key));
      }
    }
    return valid.readLike(like);
  }

  /** The callbacks, from the flag or the file; a mistake is noted and the rest still resolved. */
  List<TorchCallback> descriptors(Platform platform, List<String> problems) {
    List<TorchCallback> descriptors = new ArrayList<>();
    RunConfig file = file();
    if (callbacks != null) {
      callbacks.forEach(id -> collect(problems, () -> descriptors.add(platform.callback(id.trim()))));
    } else if (file != null && file.callbacks != null) {
      file.callbacks.value().forEach(id -> collect(problems, () -> file.callbacks.apply(() -> descriptors.add(platform.callback(id)))));
    }
    return descriptors;
  }

  /**
   * Sets the file's parameters, then the flags', on a learner that has its callbacks, noting each
   * refused value.
   *
   * @return every setting applied, by key, as given (a config file's relative paths resolved)
   */
  Map<String, Object> configure(TorchLearner l, List<String> problems) {
    Map<String, Object> applied = new LinkedHashMap<>();
    RunConfig file = file();
    if (file != null) {
      file.params.forEach((key, value) -> collect(problems, () -> value.apply(() -> {
        Object v = relativeToConfig(file, key, value.value(), l);
        l.set(key, v);
        applied.put(key, v);
        return null;
      })));
      l.configDefaults(
          file.scalar("engine").map(RunConfig.Located::value).orElse(null),
          file.scalar("device").map(RunConfig.Located::value).orElse(null));
    }
    for (Map.Entry<String, String> e : parseSettings(problems).entrySet()) {
      collect(problems, () -> {
        l.set(e.getKey(), e.getValue());
        applied.put(e.getKey(), e.getValue());
      });
    }
    if (engine != null) {
      collect(problems, () -> {
        l.set("engine", engine);
        applied.put("engine", engine);
      });
    }
    if (device != null) {
      collect(problems, () -> {
        l.set("device", device);
        applied.put("device", device);
      });
    }
    return applied;
  }

  private Map<String, String> parseSettings(List<String> problems) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        problems.add("--set '" + s + "' is not KEY=VALUE. Write e.g. --set epochs=5 or --set cb.custom_logger.alpha=0.05.");
        continue;
      }
      map.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return map;
  }

  /** Runs a step of checking the settings, noting its mistake and going on. */
  static void collect(List<String> problems, Runnable step) {
    try {
      step.run();
    } catch (TorchworkException e) {
      problems.add(e.getMessage());
    }
  }

  /**
   * A config file's relative path, for a parameter that is a path, resolved against the file's
   * folder (as task, valid, save and plugins are), so the config works from any directory.
   */
  private static Object relativeToConfig(RunConfig file, String key, Object value, TorchLearner l) {
    if (!(value instanceof String) || (key.equals("resume") && value.equals("auto"))) {
      return value;
    }
    Optional<Param> param = l.paramSet().find(key);
    Path dir = file.file.toAbsolutePath().getParent();
    if (param.filter(Param::isPath).isEmpty() || dir == null) {
      return value;
    }
    try {
      return dir.resolve((String) value).normalize().toString();
    } catch (InvalidPathException e) {
      throw new TorchworkException("'" + value + "' is not a path (" + e.getReason() + "). Give a file or folder name.");
    }
  }
}
