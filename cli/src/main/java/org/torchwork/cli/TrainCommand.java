package org.torchwork.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Measure;
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

  @Mixin RunOptions run;

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
    RunConfig file = run.file();
    Platform platform = common.platform(file == null ? null : file.plugins().orElse(null));
    Output.warnAboutPlugins(platform, spec.commandLine().getErr());
    if (file != null && !file.search.isEmpty()) {
      spec.commandLine().getErr().println("note: train leaves the config's search: key alone; torchwork tune --config "
          + file.file + " searches it, and its best.yaml trains the best settings.");
    }
    String learnerId = run.learnerId();
    LearnerSpec learnerSpec = RunOptions.locate(file, "learner", run.learner, () -> platform.learners().get(learnerId));
    Task data = run.loadTask(platform, learnerSpec.taskType(), spec.commandLine().getErr());
    Path validFile = valid != null ? valid : file == null ? null : file.path("valid").orElse(null);
    Task validData = validFile == null ? null
        : RunOptions.locate(file, "valid", valid == null ? null : "flag", () -> run.readLike(validFile, data));
    Path saveDir = save != null ? save : file == null ? null : file.path("save").orElse(null);
    boolean replace = overwrite || (file != null && file.scalar("overwrite").map(v -> v.apply(() -> bool(v.value()))).orElse(false));
    if (replace && saveDir == null) {
      throw new TorchworkException("--overwrite replaces a saved model, but no --save DIR is given. Add --save DIR, or drop --overwrite.");
    }
    if (saveDir != null) {
      RunOptions.locate(file, "save", save == null ? null : "flag", () -> {
        TrainedModel.checkSaveTarget(saveDir, replace);
        return null;
      });
    }
    // Every mistake in the run's settings is reported at once, not one per attempt.
    List<String> problems = new ArrayList<>();
    List<TorchCallback> descriptors = run.descriptors(platform, problems);
    List<Measure> measures = new ArrayList<>();
    for (String id : score) {
      RunOptions.collect(problems, () -> {
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
      run.configure(l, problems);
      if (resume != null) {
        RunOptions.collect(problems, () -> l.set("resume", resume.toString()));
      }
      if (initFrom != null) {
        RunOptions.collect(problems, () -> l.set("init_from", initFrom.toString()));
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
      out.println("Training " + l.id() + " on task " + data.id() + " (" + Output.rows(data) + (validData == null ? "" : "; validating on " + validData.id() + ", " + validData.nrow() + " rows") + "): "
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
      model.dataFeed().ifPresent(f -> out.println("Data: " + f.describe() + "."));
      if (saveDir != null) {
        try {
          model.save(saveDir, replace);
        } catch (TorchworkException e) {
          throw new Main.RunFailed(e);
        }
        String dataFile = data.rowShape().length > 1 ? "FILE" : "FILE.csv";
        out.println("Saved the model to " + saveDir + " (predict with: torchwork predict --model " + saveDir + " --data " + dataFile + ").");
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
        model.dataFeed().ifPresent(f -> doc.put("data_feed", Map.of("source", f.source(), "wait_seconds", f.waitSeconds(),
            "run_seconds", f.runSeconds(), "wait_share", f.waitShare())));
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
}
