package org.torchwork.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Interrupts;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.tune.LearnerConfig;
import org.torchwork.runtime.tune.LocalTrials;
import org.torchwork.runtime.tune.Resample;
import org.torchwork.runtime.tune.SearchSpace;
import org.torchwork.runtime.tune.TrialExecutor;
import org.torchwork.runtime.tune.TrialExecutorProvider;
import org.torchwork.runtime.tune.TrialResult;
import org.torchwork.runtime.tune.Tuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork tune}: random or grid search over learner and callback parameters, each trial scored by resampling. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description = {
      "Tunes learner and callback parameters by random or grid search, each trial scored by resampling.",
      "The search space is the search: key of the run config (or --search). Every finished trial is recorded in the --out"
          + " folder at once: the same command run again after a stop goes on without repeating a trial, and a larger --trials"
          + " adds trials.",
      "Example: torchwork tune --config run.yaml --folds 3 --score classif.acc --trials 8 --workers 2"
    })
final class TuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Mixin RunOptions run;

  @Mixin ResampleCommand.ResamplingOptions resampling;

  @Option(names = "--search", paramLabel = "KEY=DOMAIN",
      description = "A dimension of the search space, as under search: in the config, in quotes, e.g. 'opt.lr=loguniform(1e-4,1e-1)',"
          + " 'neurons=[8,16]' or epochs=internal; repeatable.")
  List<String> search = new ArrayList<>();

  @Option(names = "--method", paramLabel = "random|grid", defaultValue = Tuning.RANDOM,
      description = "random (default): each trial draws its values; grid: the trials walk a grid in a seeded random order.")
  String method;

  @Option(names = "--resolution", paramLabel = "N", defaultValue = "5", description = "Grid points per range (default 5).")
  int resolution;

  @Option(names = "--trials", paramLabel = "N",
      description = "At most N trials in all, those recorded before included (default: 10 for random, the whole grid for grid).")
  Integer trials;

  @Option(names = "--time", paramLabel = "DURATION",
      description = "Start no trial after this long, e.g. 30s, 10m, 2h (trials in progress finish).")
  String time;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "Trials at once on this machine (default 1); each gets its share of the cores.")
  int workers;

  @Option(names = "--spark", paramLabel = "MASTER",
      description = "Run the trials as Spark tasks instead, e.g. local[2] or spark://host:7077 (needs module torchwork-spark;"
          + " see the README).")
  String spark;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "tuning",
      description = "The folder recording the trials (default: tuning): trials.json, results.csv, best.json.")
  Path out;

  @Option(names = "--save", paramLabel = "DIR",
      description = "Train the best configuration on all the data and save the model to this new or empty folder.")
  Path save;

  @Option(names = "--overwrite", description = "With --save: replace the model already saved in the folder.")
  boolean overwrite;

  @Override
  public Integer call() {
    PrintWriter text = common.json ? new PrintWriter(OutputStream.nullOutputStream()) : spec.commandLine().getOut();
    if (spark != null && workers != 1) {
      throw new TorchworkException("--workers is for trials on this machine; with --spark, Spark's executors run them (local[N]"
          + " runs N at once). Give one of them.");
    }
    Duration budget = duration(time);
    Tuning.engineThreads(spark != null ? sparkSlots(spark) : workers);
    ResampleCommand.Prepared p = ResampleCommand.Prepared.of(common, run, spec.commandLine().getErr(), false);
    if (overwrite && save == null) {
      throw new TorchworkException("--overwrite replaces a saved model, but no --save DIR is given. Add --save DIR, or drop"
          + " --overwrite.");
    }
    if (save != null) {
      org.torchwork.runtime.TrainedModel.checkSaveTarget(save, overwrite);
    }
    List<String> measures = resampling.measures(p.spec().taskType());
    checkSearchLines(p);
    Tuning tuning = new Tuning(p.platform(), p.config(), p.reference(), space(), resampling.resampling(), measures, out)
        .method(method).resolution(resolution).time(budget).seed(resampling.seed);
    if (trials != null) {
      tuning.trials(trials);
    }
    SearchSpace checked = tuning.check();
    int wanted = trials != null ? trials : 10;
    if (method.equals(Tuning.RANDOM) && checked.points().isPresent() && checked.points().getAsLong() < wanted) {
      spec.commandLine().getErr().println("note: the search space has " + checked.points().getAsLong() + " point(s), and random"
          + " search draws " + wanted + " trials, so some repeat; --method grid tries each point once.");
    }
    long started = System.nanoTime();
    Tuning.Outcome o;
    try (TrialExecutor executor = executor(p)) {
      text.println("Tuning " + p.config().learner() + " on task " + p.task().id() + " (" + p.task().nrow() + " rows): " + method
          + " search, each trial scored by " + resampling.resampling().describe() + " on " + String.join(", ", measures) + "; "
          + executor.describe() + "; " + p.backend().describe());
      text.println("Trials are recorded in " + out + "; the same command run again goes on where a stop left off.");
      text.flush();
      o = tuning.run(executor, r -> {
        text.println(line(r, measures));
        text.flush();
      });
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (o.before() > 0) {
      text.println(o.before() + " trial(s) were recorded before; " + (o.results().size() - o.before()) + " ran now.");
    }
    if (o.timedOut()) {
      text.println("The time budget ran out: " + o.results().size() + " of " + o.planned() + " planned trials are done. The same"
          + " command (with a new --time, or none) goes on.");
    }
    Path saved = null;
    if (o.best().isPresent()) {
      TrialResult b = o.best().get();
      text.println("Best: trial " + b.number() + " (" + LearnerConfig.describe(b.values())
          + (b.internalEpochs() == null ? "" : ", epochs=" + b.internalEpochs() + " by early stopping") + "): " + measures.get(0)
          + " = " + Output.number(b.mean(measures.get(0))) + ".");
      if (save != null && !o.interrupted()) {
        try (TorchLearner l = tuning.retrain(b)) {
          l.model().save(save, overwrite);
          saved = save;
        } catch (TorchworkException e) {
          throw new Main.RunFailed(e);
        }
        text.println("Trained the best configuration on all " + p.task().nrow() + " rows and saved it to " + save + ".");
      }
    } else if (!o.results().isEmpty()) {
      text.println("No trial succeeded: see the errors in " + out.resolve("results.csv") + ".");
    }
    if (!o.results().isEmpty()) {
      text.println("Results: " + out.resolve("results.csv") + (o.best().isPresent() ? ", " + out.resolve("best.json") : "") + " ("
          + Output.number(seconds) + " s).");
    }
    text.flush();
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("tune");
      doc.put("learner", p.config().learner());
      doc.put("task", Map.of("id", p.task().id(), "rows", p.task().nrow()));
      doc.put("method", method);
      doc.put("resampling", resampling.resampling().describe());
      doc.put("measures", measures);
      doc.put("folder", out.toString());
      doc.put("before", o.before());
      doc.put("planned", o.planned());
      doc.put("interrupted", o.interrupted());
      doc.put("timed_out", o.timedOut());
      doc.put("trials", o.results().stream().map(TrialResult::asMap).toList());
      doc.put("best", o.best().map(TrialResult::asMap).orElse(null));
      doc.put("saved", saved == null ? null : saved.toString());
      doc.put("seconds", seconds);
      JsonOut.print(spec.commandLine().getOut(), doc);
    }
    if (o.interrupted()) {
      spec.commandLine().getErr().println("Interrupted: " + o.results().size() + " trial(s) are recorded in " + out + "; run the"
          + " same command again to go on.");
      spec.commandLine().getErr().flush();
      return Signals.status(Interrupts.requested().orElse("SIGINT"));
    }
    return o.results().stream().anyMatch(TrialResult::ok) ? 0 : 1;
  }

  private TrialExecutor executor(ResampleCommand.Prepared p) {
    if (spark == null) {
      return new LocalTrials(p.platform(), workers, gpus(p));
    }
    for (TrialExecutorProvider provider : ServiceLoader.load(TrialExecutorProvider.class)) {
      if (provider.id().equals("spark")) {
        return provider.open(spark, p.platform());
      }
    }
    throw new TorchworkException("--spark needs module torchwork-spark, which this installation lacks. Build it (mvn -B install"
        + " builds spark/ too) or set TORCHWORK_SPARK to the folder of its jars (see the README), or run the trials here with"
        + " --workers N.");
  }

  /** With several GPUs and device auto or gpu, one GPU per worker. */
  private List<String> gpus(ResampleCommand.Prepared p) {
    Object device = p.config().settings().get("device");
    String d = device == null ? "auto" : device.toString();
    int count = p.backend().engine().getGpuCount();
    if (count < 2 || workers < 2 || !(d.equals("auto") || d.equals("gpu"))) {
      return List.of();
    }
    List<String> devices = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      devices.add("gpu:" + (i % count));
    }
    return devices;
  }

  /** Trials at once that a Spark master URL runs here: N of local[N], else 1 (the executors are elsewhere). */
  static int sparkSlots(String master) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(?:,\\d+)?]").matcher(master);
    if (!m.matches()) {
      return 1;
    }
    return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
  }

  /** Checks each dimension of the config file's search: key on its own, naming its line; every mistake at once. */
  private void checkSearchLines(ResampleCommand.Prepared p) {
    RunConfig file = run.file();
    if (file == null || file.search.isEmpty()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    try (TorchLearner l = p.config().build(p.platform())) {
      Object epochs = p.config().settings().get("epochs");
      Integer bound = epochs == null ? null : Integer.valueOf(epochs.toString());
      file.search.forEach((k, v) -> RunOptions.collect(problems, () -> v.apply(() ->
          SearchSpace.parse(Map.of(k, v.value()), l.paramSet(), bound))));
    }
    if (!problems.isEmpty()) {
      throw RunConfig.together(problems);
    }
  }

  /** The search space: the config file's search: key, then --search flags (which replace a key). */
  private Map<String, Object> space() {
    Map<String, Object> space = new LinkedHashMap<>();
    RunConfig file = run.file();
    if (file != null) {
      file.search.forEach((k, v) -> space.put(k, v.value()));
    }
    for (String s : search) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new TorchworkException("--search '" + s + "' is not KEY=DOMAIN. Write e.g. --search 'opt.lr=loguniform(1e-4,1e-1)' or"
            + " --search 'neurons=[8,16]' (in quotes, for the shell).");
      }
      String v = s.substring(eq + 1).trim();
      Object domain = v;
      if (v.startsWith("[") && v.endsWith("]")) {
        List<Object> values = new ArrayList<>();
        for (String part : v.substring(1, v.length() - 1).split(",")) {
          if (!part.isBlank()) {
            values.add(part.trim());
          }
        }
        domain = values;
      }
      space.put(s.substring(0, eq).trim(), domain);
    }
    if (space.isEmpty()) {
      throw new TorchworkException("Nothing to tune: give a search: key in the run config (--config run.yaml) or --search KEY=DOMAIN,"
          + " e.g. --search 'opt.lr=loguniform(1e-4,1e-1)'.");
    }
    return space;
  }

  private static String line(TrialResult r, List<String> measures) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  trial %3d  ", r.number()));
    sb.append(LearnerConfig.describe(r.values()));
    if (r.ok()) {
      for (String m : measures) {
        Resample.Aggregate a = r.aggregates().stream().filter(x -> x.measure().equals(m)).findFirst().orElseThrow();
        sb.append("  ").append(m).append(' ').append(Output.number(a.mean()));
        if (!Double.isNaN(a.sd())) {
          sb.append(" (sd ").append(Output.number(a.sd())).append(')');
        }
      }
      if (r.internalEpochs() != null) {
        sb.append("  epochs ").append(r.internalEpochs());
      }
    } else {
      sb.append("  FAILED: ").append(r.error());
    }
    return sb.append(String.format(Locale.ROOT, "  %.1f s", r.seconds())).toString();
  }

  static Duration duration(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.matches("\\d+(\\.\\d+)?[smh]")) {
        double n = Double.parseDouble(t.substring(0, t.length() - 1));
        long unit = t.endsWith("s") ? 1 : t.endsWith("m") ? 60 : 3600;
        return Duration.ofMillis(Math.round(n * unit * 1000));
      }
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new TorchworkException("--time '" + text + "' is not a duration. Write e.g. 30s, 10m, 2h or PT1H30M.");
    }
  }

}
