package org.torchwork.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.runtime.CsvTasks;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
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
      "Example: torchwork train --task iris --learner classif.mlp --callbacks history --set epochs=5 --set batch_size=64"
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(names = "--task", required = true, paramLabel = "ID|FILE.csv",
      description = "A built-in task id (iris) or a CSV file with a header row (then also --target).")
  String task;

  @Option(names = "--target", paramLabel = "COLUMN", description = "The target column of a CSV task.")
  String target;

  @Option(names = "--learner", required = true, paramLabel = "ID", description = "The learner, e.g. classif.mlp or regr.mlp.")
  String learner;

  @Option(names = "--callbacks", split = ",", paramLabel = "ID[,ID...]", description = "Callbacks by id, e.g. history,progress.")
  List<String> callbacks = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A learner parameter (epochs=5) or a callback parameter (cb.<id>.<param>=value); repeatable.")
  List<String> settings = new ArrayList<>();

  @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, pytorch, ... (same as --set engine=...).")
  String engine;

  @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N (same as --set device=...).")
  String device;

  @Option(names = "--score", split = ",", paramLabel = "MEASURE[,MEASURE...]",
      description = "After training, predict the task and print these scores, e.g. classif.acc.")
  List<String> score = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform();
    Output.warnAboutPlugins(platform, spec.commandLine().getErr());
    LearnerSpec learnerSpec = platform.learners().get(learner);
    Task data = loadTask(platform, learnerSpec.taskType());
    List<TorchCallback> descriptors = new ArrayList<>();
    for (String id : callbacks) {
      descriptors.add(platform.callback(id.trim()));
    }
    List<Measure> measures = new ArrayList<>();
    for (String id : score) {
      measures.add(platform.measure(id.trim()));
    }
    try (TorchLearner l = platform.learner(learner)) {
      l.callbacks(descriptors);
      for (Map.Entry<String, String> e : parseSettings().entrySet()) {
        l.set(e.getKey(), e.getValue());
      }
      if (engine != null) {
        l.set("engine", engine);
      }
      if (device != null) {
        l.set("device", device);
      }
      l.validate();
      out.println("Training " + l.id() + " on task " + data.id() + " (" + data.nrow() + " rows, " + data.nfeatures()
          + " features): " + l.backend().describe());
      out.flush();
      l.train(data);
      TrainedModel model = l.model();
      out.println("Trained " + model.epochs() + " epoch(s) with seed " + model.seed() + ".");
      out.println();
      Output.states(out, model.callbacks());
      if (!measures.isEmpty()) {
        Prediction prediction = l.predict(data);
        out.println();
        out.println("Scores on task " + data.id() + " (training data):");
        prediction.score(measures).forEach((id, v) -> out.println("  " + id + " = " + Output.number(v)));
      }
    }
    return 0;
  }

  private Task loadTask(Platform platform, TaskType type) {
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
    return CsvTasks.read(Path.of(task), target, type);
  }

  private Map<String, String> parseSettings() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new TorchworkException(
            "--set '" + s + "' is not KEY=VALUE. Write e.g. --set epochs=5 or --set cb.custom_logger.alpha=0.05.");
      }
      map.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
    }
    return map;
  }
}
