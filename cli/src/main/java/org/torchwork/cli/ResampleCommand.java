package org.torchwork.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.runtime.BackendChoice;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.tune.LearnerConfig;
import org.torchwork.runtime.tune.Resample;
import org.torchwork.runtime.tune.Resampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork resample}: scores a learner with its callbacks by cross-validation or a holdout. */
@Command(
    name = "resample",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a learner by cross-validation or a holdout, each split a full training with its callbacks.",
      "For each split a fresh learner trains on the split's training rows (its validate share and early stopping come from"
          + " those rows) and is scored on the split's test rows. Classification tasks are split stratified.",
      "Example: torchwork resample --task iris --learner classif.mlp --set epochs=20 --set batch_size=16 --folds 5"
          + " --score classif.acc,classif.ce"
    })
final class ResampleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Mixin RunOptions run;

  @Mixin ResamplingOptions resampling;

  @Option(names = "--save-models", paramLabel = "DIR",
      description = "Save every split's trained model into DIR/r<repeat>-f<fold> (a new or empty folder).")
  Path saveModels;

  @Override
  public Integer call() {
    PrintWriter out = common.json ? new PrintWriter(OutputStream.nullOutputStream()) : spec.commandLine().getOut();
    Prepared p = Prepared.of(common, run, spec.commandLine().getErr(), true);
    List<String> measures = resampling.measures(p.spec().taskType());
    Resampling r = resampling.resampling();
    if (saveModels != null) {
      org.torchwork.runtime.TrainedModel.checkSaveTarget(saveModels, false);
    }
    out.println("Resampling " + p.config().learner() + " on task " + p.task().id() + " (" + Output.rows(p.task()) + "): " + r.describe() + (p.spec().taskType() == TaskType.CLASSIF ? ", stratified" : "")
        + ", split seed " + resampling.seed + "; " + p.backend().describe());
    List<String> header = new ArrayList<>(List.of("split", "train", "test", "epochs"));
    header.addAll(measures);
    header.add("seconds");
    out.println("  " + row(header, header));
    out.flush();
    long started = System.nanoTime();
    Resample.Result result;
    try {
      result = Resample.run(p.platform(), p.config(), p.task(), r.seed(resampling.seed), measures,
          new Resample.Options(null, saveModels, f -> {
            List<String> row = new ArrayList<>(List.of("r" + f.repeat() + "-f" + f.fold(), String.valueOf(f.trainRows()),
                String.valueOf(f.testRows()), String.valueOf(f.epochs())));
            measures.forEach(m -> row.add(Output.number(f.scores().get(m))));
            row.add(String.format(Locale.ROOT, "%.1f", f.seconds()));
            out.println("  " + row(header, row));
            out.flush();
          }, null));
    } catch (TrainingInterrupted e) {
      throw new Main.RunFailed(e);
    }
    out.println();
    for (Resample.Aggregate a : result.aggregates()) {
      out.println(a.measure() + ": mean " + Output.number(a.mean()) + (Double.isNaN(a.sd()) ? "" : " (sd " + Output.number(a.sd())
          + ")") + " over " + result.folds().size() + " split(s)");
    }
    if (saveModels != null) {
      out.println("Saved each split's model under " + saveModels + ".");
    }
    out.flush();
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("resample");
      doc.put("learner", p.config().learner());
      doc.put("task", Map.of("id", p.task().id(), "rows", p.task().nrow()));
      doc.put("settings", p.config().settings());
      doc.put("callbacks", p.config().callbacks());
      doc.put("resampling", result.resampling());
      doc.put("seed", resampling.seed);
      doc.put("choice", JsonOut.choice(p.backend()));
      List<Object> folds = new ArrayList<>();
      result.folds().forEach(f -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repeat", f.repeat());
        m.put("fold", f.fold());
        m.put("train_rows", f.trainRows());
        m.put("test_rows", f.testRows());
        m.put("seed", f.seed());
        m.put("epochs", f.epochs());
        m.put("best_epoch", f.bestEpoch());
        m.put("end", f.end());
        m.put("scores", f.scores());
        m.put("seconds", f.seconds());
        m.put("saved", f.saved());
        folds.add(m);
      });
      doc.put("folds", folds);
      Map<String, Object> agg = new LinkedHashMap<>();
      for (Resample.Aggregate a : result.aggregates()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", a.mean());
        m.put("sd", a.sd());
        agg.put(a.measure(), m);
      }
      doc.put("aggregate", agg);
      doc.put("seconds", (System.nanoTime() - started) / 1e9);
      JsonOut.print(spec.commandLine().getOut(), doc);
    }
    return 0;
  }

  /** Cells right-aligned under their headers. */
  private static String row(List<String> header, List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      int width = Math.max(header.get(i).length(), i == 0 ? 5 : 6);
      sb.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%" + width + "s", cells.get(i)));
    }
    return sb.toString();
  }

  /** A run's inputs, checked: the platform, the learner's configuration, the task and the backend. */
  record Prepared(Platform platform, LearnerSpec spec, LearnerConfig config, Task task, BackendChoice backend,
      org.torchwork.runtime.tune.TaskReference reference) {
    /**
     * Checks the run's inputs; with {@code validate}, every setting against the task too (tune leaves that to the
     * tuning, which checks the settings with a trial's values, since a searched parameter may be unset here).
     */
    static Prepared of(Common common, RunOptions run, PrintWriter err, boolean validate) {
      RunConfig file = run.file();
      Platform platform = common.platform(file == null ? null : file.plugins().orElse(null));
      Output.warnAboutPlugins(platform, err);
      String learnerId = run.learnerId();
      LearnerSpec spec = RunOptions.locate(file, "learner", run.learner, () -> platform.learners().get(learnerId));
      org.torchwork.runtime.tune.TaskReference reference = RunOptions.locate(file, "task", run.task, run::taskReference);
      Task task = run.loadTask(platform, spec.taskType(), err);
      List<String> problems = new ArrayList<>();
      if (file != null) {
        file.scalar("valid").ifPresent(v -> problems.add(v.where() + ": valid: is for train; resampling and tuning train a"
            + " learner per split and validate on a share of its training rows (validate: RATIO under params:). Remove valid:."));
        for (String key : List.of("save", "overwrite")) {
          file.scalar(key).ifPresent(v -> problems.add(v.where() + ": " + key + ": is for train, which saves the model it"
              + " trains; tune saves the best configuration's model with --save DIR (and --overwrite). Remove " + key + ":."));
        }
      }
      List<TorchCallback> descriptors = run.descriptors(platform, problems);
      try (TorchLearner l = platform.learner(learnerId)) {
        l.callbacks(descriptors);
        Map<String, Object> settings = new LinkedHashMap<>(run.configure(l, problems));
        if (file != null) {
          file.scalar("engine").ifPresent(e -> settings.putIfAbsent("engine", e.value()));
          file.scalar("device").ifPresent(d -> settings.putIfAbsent("device", d.value()));
        }
        if (settings.containsKey("resume")) {
          problems.add("resume continues one training, but resampling and tuning train a fresh learner for every split. Remove"
              + " resume (a checkpoint callback still saves each split's run, in a folder of its own).");
        }
        if (!problems.isEmpty()) {
          throw RunConfig.together(problems);
        }
        LearnerConfig config = new LearnerConfig(learnerId, descriptors.stream().map(TorchCallback::id).toList(), settings);
        if (validate) {
          l.validate(task);
        }
        return new Prepared(platform, spec, config, task, l.backend(), reference);
      }
    }
  }

  /** How the rows are split and scored; shared by resample and tune. */
  static final class ResamplingOptions {
    @Option(names = "--folds", paramLabel = "K", description = "Cross-validation with K folds (default 3).")
    Integer folds;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "1", description = "Repeat the splits N times (default 1).")
    int repeats;

    @Option(names = "--holdout", paramLabel = "RATIO",
        description = "One split instead, testing on this share of the rows, e.g. 0.3.")
    Double holdout;

    @Option(names = "--score", split = ",", paramLabel = "MEASURE",
        description = "Measures to score the test rows with (default classif.acc or regr.rmse); in tune, the first one ranks"
            + " the trials.")
    List<String> score = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the splits, and of the trainings unless seed is set (default 1).")
    long seed;

    Resampling resampling() {
      if (holdout != null && folds != null) {
        throw new TorchworkException("--folds and --holdout each say how to split the rows. Give one of them.");
      }
      Resampling r = holdout != null ? Resampling.holdout(holdout) : Resampling.cv(folds == null ? 3 : folds);
      return r.repeats(repeats).seed(seed);
    }

    List<String> measures(TaskType type) {
      if (score.isEmpty()) {
        return List.of(type == TaskType.CLASSIF ? "classif.acc" : "regr.rmse");
      }
      return score.stream().map(String::trim).toList();
    }
  }
}
