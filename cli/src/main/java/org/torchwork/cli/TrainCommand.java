package org.torchwork.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.torchwork.api.Measure;
import org.torchwork.api.Param;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.callbacks.history.Curves;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.Torchwork;
import org.torchwork.runtime.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork train}: trains a learner on a task with callbacks. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a learner on a task with callbacks, then prints the callbacks' states.",
      "Example: torchwork train --task iris --learner classif.mlp --callbacks history --set epochs=5 --set batch_size=64",
      "What exists: 'torchwork learners [ID]' (every parameter for --set), 'torchwork tasks', 'torchwork measures',"
          + " 'torchwork callbacks [ID]' (their cb.<id>.<param> parameters)."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(names = "--config", paramLabel = "FILE.yaml",
      description = "A run config file holding any of the settings below; flags override it.")
  Path config;

  @Option(names = "--task", paramLabel = "ID|FILE.csv",
      description = "A built-in task id (iris) or a CSV file with a header row (then also --target).")
  String task;

  @Option(names = "--target", paramLabel = "COLUMN", description = "The target column of a CSV task.")
  String target;

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

  @Option(names = "--resume", paramLabel = "PATH",
      description = "Continue from a checkpoint file, or the latest in a directory the checkpoint callback wrote to"
          + " (same as --set resume=PATH).")
  Path resume;

  @Option(names = "--score", split = ",", paramLabel = "MEASURE",
      description = "After training, predict the task and print these scores, e.g. classif.acc.")
  List<String> score = new ArrayList<>();

  @Option(names = "--valid", paramLabel = "FILE.csv",
      description = "Validate on this CSV file (the task's columns, by name) instead of a share of the task (validate=RATIO).")
  Path valid;

  @Option(names = "--save", paramLabel = "DIR",
      description = "Save the trained model to this new or empty folder (checked before training starts).")
  Path save;

  @Option(names = "--overwrite", description = "With --save: replace the model already saved in the folder.")
  boolean overwrite;

  @Option(names = {"-q", "--quiet"}, description = "Print only the last line, how the run ended (and errors): no callback"
      + " output, no states.")
  boolean quiet;

  @Option(names = "--plot", paramLabel = "FILE",
      description = "Draw the learning curves (needs the history callback) into FILE.png or FILE.svg after training.")
  Path plot;

  @Option(names = "--init-from", paramLabel = "DIR",
      description = "Start from a saved model's weights (fine-tuning), with new epochs, learning rate and callbacks"
          + " (same as --set init_from=DIR).")
  Path initFrom;

  @Override
  public Integer call() {
    // With --json, standard output holds the JSON document alone: the text goes nowhere.
    PrintWriter out = common.json || quiet ? new PrintWriter(OutputStream.nullOutputStream()) : spec.commandLine().getOut();
    RunConfig file = config == null ? null : RunConfig.read(config);
    Platform platform = common.platform(file == null ? null : file.plugins().orElse(null));
    Output.warnAboutPlugins(platform, spec.commandLine().getErr());
    String learnerId = setting(learner, file, "learner", "--learner ID (e.g. classif.mlp)");
    LearnerSpec learnerSpec = locate(file, "learner", learner, () -> platform.learners().get(learnerId));
    Task data = locate(file, "task", task, () -> loadTask(platform, learnerSpec.taskType(), file));
    Path validFile = valid != null ? valid : file == null ? null : file.path("valid").orElse(null);
    Task validData = validFile == null ? null : locate(file, "valid", valid == null ? null : "flag", () -> Torchwork.tsk(validFile, data));
    Path saveDir = save != null ? save : file == null ? null : file.path("save").orElse(null);
    boolean replace = overwrite || (file != null && file.scalar("overwrite").map(v -> v.apply(() -> bool(v.value()))).orElse(false));
    if (replace && saveDir == null) {
      throw new TorchworkException("--overwrite replaces a saved model, but no --save DIR is given. Add --save DIR, or drop --overwrite.");
    }
    if (saveDir != null) {
      locate(file, "save", save == null ? null : "flag", () -> {
        TrainedModel.checkSaveTarget(saveDir, replace);
        return null;
      });
    }
    // Every mistake in the run's settings is reported at once, not one per attempt.
    List<String> problems = new ArrayList<>();
    List<TorchCallback> descriptors = new ArrayList<>();
    if (callbacks != null) {
      callbacks.forEach(id -> collect(problems, () -> descriptors.add(platform.callback(id.trim()))));
    } else if (file != null && file.callbacks != null) {
      file.callbacks.value().forEach(id -> collect(problems, () -> file.callbacks.apply(() -> descriptors.add(platform.callback(id)))));
    }
    List<Measure> measures = new ArrayList<>();
    for (String id : score) {
      collect(problems, () -> {
        Measure m = platform.measure(id.trim());
        if (m.taskType() != learnerSpec.taskType()) {
          throw new TorchworkException("--score " + m.id() + " is a " + m.taskType() + " measure, but learner '"
              + learnerSpec.id() + "' is a " + learnerSpec.taskType() + " learner. Score with " + learnerSpec.taskType()
              + ".* measures, e.g. " + (learnerSpec.taskType() == TaskType.CLASSIF ? "classif.acc" : "regr.rmse") + ".");
        }
        measures.add(m);
      });
    }
    try (TorchLearner l = platform.learner(learnerId)) {
      l.callbacks(descriptors);
      if (file != null) {
        file.params.forEach((key, value) -> collect(problems,
            () -> value.apply(() -> l.set(key, relativeToConfig(file, key, value.value(), l, descriptors)))));
        l.configDefaults(
            file.scalar("engine").map(RunConfig.Located::value).orElse(null),
            file.scalar("device").map(RunConfig.Located::value).orElse(null));
      }
      for (Map.Entry<String, String> e : parseSettings(problems).entrySet()) {
        collect(problems, () -> l.set(e.getKey(), e.getValue()));
      }
      if (engine != null) {
        collect(problems, () -> l.set("engine", engine));
      }
      if (device != null) {
        collect(problems, () -> l.set("device", device));
      }
      if (resume != null) {
        collect(problems, () -> l.set("resume", resume.toString()));
      }
      if (initFrom != null) {
        collect(problems, () -> l.set("init_from", initFrom.toString()));
      }
      if (plot != null) {
        String name = plot.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
          problems.add("--plot " + plot + " must end in .png or .svg, which says what to write.");
        }
        if (descriptors.stream().noneMatch(d -> d.id().equals("history"))) {
          problems.add("--plot draws the history callback's table, but the run has no history callback. Add it:"
              + " --callbacks ...,history.");
        }
      }
      if (!problems.isEmpty()) {
        throw RunConfig.together(problems);
      }
      if (common.json) {
        // What callbacks print goes to standard error.
        l.out(System.err);
      } else if (quiet) {
        l.out(new PrintStream(OutputStream.nullOutputStream()));
      }
      TorchLearner.PreparedRun run = l.prepare(data, validData);
      out.println("Training " + l.id() + " on task " + data.id() + " (" + data.nrow() + " rows, " + data.nfeatures()
          + " features" + (validData == null ? "" : "; validating on " + validData.id() + ", " + validData.nrow() + " rows") + "): "
          + run.backend().describe());
      run.resuming().ifPresent(from -> out.println("Resuming from " + from + "."));
      out.flush();
      long started = System.nanoTime();
      try {
        run.train();
      } catch (TorchworkException e) {
        throw new Main.RunFailed(e);
      } finally {
        out.flush();
      }
      TrainedModel model = l.model();
      (quiet && !common.json ? spec.commandLine().getOut() : out).println("Trained " + model.epochs() + " epoch(s) with seed "
          + model.seed() + model.end().map(e -> ": " + e.describe()).orElse("") + ".");
      if (saveDir != null) {
        try {
          model.save(saveDir, replace);
        } catch (TorchworkException e) {
          throw new Main.RunFailed(e);
        }
        out.println("Saved the model to " + saveDir + " (predict with: torchwork predict --model " + saveDir + " --data FILE.csv).");
      }
      if (plot != null) {
        try {
          Curves.write(PlotCommand.history(model.callbacks(), "The run"), l.id() + " on " + data.id(), plot);
        } catch (TorchworkException e) {
          throw new Main.RunFailed(e);
        }
        out.println("Drew the learning curves into " + plot + ".");
      }
      out.println();
      Output.states(out, model.callbacks());
      Map<String, Double> scores = new LinkedHashMap<>();
      if (!measures.isEmpty()) {
        Prediction prediction = l.predict(data);
        out.println();
        out.println("Scores on task " + data.id() + " (training data):");
        scores.putAll(prediction.score(measures));
        scores.forEach((id, v) -> out.println("  " + id + " = " + Output.compact(v)));
      }
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("train");
        doc.put("learner", l.id());
        doc.put("task", Map.of("id", data.id(), "rows", data.nrow(), "features", data.featureNames()));
        doc.put("validation", validData == null ? null : Map.of("id", validData.id(), "rows", validData.nrow()));
        doc.put("choice", JsonOut.choice(run.backend()));
        doc.put("seed", model.seed());
        doc.put("epochs", model.epochs());
        doc.put("end", model.end().map(JsonOut::end).orElse(null));
        doc.put("seconds", (System.nanoTime() - started) / 1e9);
        doc.put("params", l.params().asMap());
        doc.put("history", model.callbacks().get("history"));
        doc.put("callbacks", model.callbacks());
        doc.put("scores", scores);
        doc.put("saved", saveDir == null ? null : saveDir.toString());
        doc.put("plot", plot == null ? null : plot.toString());
        JsonOut.print(spec.commandLine().getOut(), doc);
      }
    }
    return 0;
  }

  private static boolean bool(String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new TorchworkException("overwrite must be true or false, not '" + value + "'.");
    }
    return Boolean.parseBoolean(value);
  }

  /** A flag's value, else the config file's, else an error saying what to give. */
  private static String setting(String flag, RunConfig file, String key, String how) {
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
  private static <T> T locate(RunConfig file, String key, String flag, java.util.function.Supplier<T> action) {
    if (flag != null || file == null || file.scalar(key).isEmpty()) {
      return action.get();
    }
    return file.scalar(key).get().apply(action);
  }

  private Task loadTask(Platform platform, TaskType type, RunConfig file) {
    String task = setting(this.task, file, "task", "--task ID or --task FILE.csv");
    String target = this.target != null ? this.target : file == null ? null : file.scalar("target").map(RunConfig.Located::value).orElse(null);
    boolean looksLikeFile = task.endsWith(".csv") || task.contains("/") || Files.isRegularFile(Path.of(task));
    if (!looksLikeFile) {
      if (target != null) {
        throw new TorchworkException(
            "--target is only for CSV tasks; task '" + task + "' is built in and has its own target. Remove --target.");
      }
      return platform.task(task);
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
    return Torchwork.tsk(csv, target, type);
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
  private static void collect(List<String> problems, Runnable step) {
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
  private static Object relativeToConfig(RunConfig file, String key, Object value, TorchLearner l, List<TorchCallback> descriptors) {
    if (!(value instanceof String) || (key.equals("resume") && value.equals("auto"))) {
      return value;
    }
    Optional<Param> param;
    if (key.startsWith("cb.") && key.indexOf('.', 3) > 0) {
      String id = key.substring(3, key.indexOf('.', 3));
      String name = key.substring(key.indexOf('.', 3) + 1);
      param = descriptors.stream().filter(d -> d.id().equals(id)).findFirst().flatMap(d -> d.paramSet().find(name));
    } else {
      param = l.paramSet().find(key);
    }
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
