package org.torchwork.runtime.tune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.RunEnd;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.TrainedModel;

/**
 * Resamples a learner on a task, as mlr3's {@code resample()}: for every split a fresh learner is
 * trained on the split's training rows (with all its callbacks; a {@code validate} share and
 * early stopping are taken from those rows, never from the test rows) and scored on its test
 * rows.
 *
 * <pre>{@code
 * Resample.Result r = Resample.run(platform, config, platform.task("iris"), Resampling.cv(5),
 *     List.of("classif.acc"), Resample.Options.quiet());
 * double acc = r.mean("classif.acc");
 * }</pre>
 */
public final class Resample {
  private Resample() {}

  /**
   * How a resampling runs.
   *
   * @param out where the callbacks print (nowhere when null)
   * @param saveModels a folder to save every split's trained model into ({@code r1-f1}, ...), or null
   *     (a callback's path parameter, such as {@code cb.csv_logger.path}, gets a file or folder of
   *     its own per split the same way)
   * @param onFold called with each split's result as it finishes, or null
   * @param label what names this resampling's files besides the split (a tuning's trial, {@code t3}), or null
   */
  public record Options(PrintStream out, Path saveModels, Consumer<Fold> onFold, String label) {
    /**
     * Nothing printed, no models saved.
     *
     * @return the options
     */
    public static Options quiet() {
      return new Options(null, null, null, null);
    }
  }

  /**
   * One split's result.
   *
   * @param repeat the repeat, from 1
   * @param fold the fold, from 1
   * @param trainRows rows trained on
   * @param testRows rows scored
   * @param seed the training's seed
   * @param scores the scores on the test rows, by measure id
   * @param epochs the epochs trained
   * @param bestEpoch the best epoch early stopping saw, or the epochs trained without it
   * @param end how the training ended
   * @param seconds how long it took
   * @param saved where the model was saved, or null
   */
  public record Fold(int repeat, int fold, int trainRows, int testRows, int seed, Map<String, Double> scores, int epochs,
      int bestEpoch, String end, double seconds, String saved) {}

  /**
   * A measure's aggregate over the splits.
   *
   * @param measure the measure id
   * @param mean the mean
   * @param sd the sample standard deviation; NaN with one split
   */
  public record Aggregate(String measure, double mean, double sd) {}

  /**
   * Every split's result and the aggregates.
   *
   * @param resampling how the rows were split
   * @param folds the splits' results, in order
   * @param aggregates each measure's mean and standard deviation, in the order asked for
   */
  public record Result(String resampling, List<Fold> folds, List<Aggregate> aggregates) {
    /**
     * A measure's mean over the splits.
     *
     * @param measure the measure id
     * @return the mean
     */
    public double mean(String measure) {
      return aggregate(measure).mean();
    }

    /**
     * A measure's aggregate.
     *
     * @param measure the measure id
     * @return the aggregate
     */
    public Aggregate aggregate(String measure) {
      return aggregates.stream().filter(a -> a.measure().equals(measure)).findFirst()
          .orElseThrow(() -> new TorchworkException("The resampling did not score " + measure + "; it scored "
              + aggregates.stream().map(Aggregate::measure).toList() + "."));
    }

    /**
     * The mean of the splits' best epochs, rounded: the epoch count early stopping found.
     *
     * @return the epochs
     */
    public int meanBestEpoch() {
      return (int) Math.max(1, Math.round(folds.stream().mapToInt(Fold::bestEpoch).average().orElse(1)));
    }
  }

  /**
   * The seed a split trains with: derived from the base seed and the split's number, so that
   * splits differ and every trial of a tuning sees the same seeds.
   *
   * @param base the base seed
   * @param iteration the split's number, from 1
   * @return the seed
   */
  public static int seedFor(long base, int iteration) {
    return (int) ((base * 1_000_003L + iteration) & 0x7fffffffL);
  }

  /**
   * Resamples a learner on a task.
   *
   * @param platform where ids are resolved
   * @param config the learner; its {@code seed} (else the resampling's) is the base seed
   * @param task the task
   * @param resampling how to split it
   * @param measures measure ids to score with
   * @param options output, saved models and progress
   * @return the result
   * @throws TorchworkException for bad settings (before any training) or a failing training
   */
  public static Result run(Platform platform, LearnerConfig config, Task task, Resampling resampling, List<String> measures,
      Options options) {
    Objects.requireNonNull(options, "options");
    List<Measure> ms = new ArrayList<>();
    for (String id : measures) {
      ms.add(platform.measure(id));
    }
    if (ms.isEmpty()) {
      throw new TorchworkException("A resampling needs at least one measure to score with, e.g. classif.acc.");
    }
    long base = config.settings().containsKey("seed") ? Long.parseLong(config.settings().get("seed").toString()) : resampling.seed();
    List<Resampling.Split> splits = resampling.splits(task);
    if (config.settings().containsKey("resume")) {
      throw new TorchworkException("resume continues one training, but resampling trains a fresh learner for every split."
          + " Remove resume (a checkpoint callback still saves each split's run, in a folder of its own).");
    }
    List<String> paths = new ArrayList<>();
    // Every setting is checked on the whole task before the first training.
    try (TorchLearner check = config.build(platform)) {
      config.settings().keySet().stream().filter(k -> k.startsWith("cb.") && check.paramSet().find(k).map(
          org.torchwork.api.Param::isPath).orElse(false)).forEach(paths::add);
      check.validate(task);
      ms.forEach(m -> {
        if (m.taskType() != check.taskType()) {
          throw new TorchworkException("Measure " + m.id() + " is for " + m.taskType() + " tasks, but learner '" + check.id()
              + "' is a " + check.taskType() + " learner. Score with " + check.taskType() + ".* measures (torchwork measures lists"
              + " them).");
        }
      });
    }
    PrintStream out = options.out() != null ? options.out() : new PrintStream(OutputStream.nullOutputStream());
    List<Fold> folds = new ArrayList<>();
    for (Resampling.Split split : splits) {
      int iteration = split.iteration(resampling.folds());
      int seed = seedFor(base, iteration);
      long started = System.nanoTime();
      String name = task.id() + "[r" + (split.repeat() + 1) + "-f" + (split.fold() + 1) + "]";
      String tag = (options.label() == null ? "" : options.label() + "-") + "r" + (split.repeat() + 1) + "-f" + (split.fold() + 1);
      Map<String, Object> own = new LinkedHashMap<>();
      paths.forEach(k -> own.put(k, ownPath(config.settings().get(k).toString(), tag)));
      try (TorchLearner l = config.with(own).build(platform)) {
        l.out(out).set("seed", seed).train(task.subset(name + "-train", split.train()));
        Prediction p = l.predict(task.subset(name + "-test", split.test()));
        Map<String, Double> scores = new LinkedHashMap<>(p.score(ms));
        TrainedModel model = l.model();
        String saved = null;
        if (options.saveModels() != null) {
          Path dir = options.saveModels().resolve(tag);
          model.save(dir);
          saved = dir.toString();
        }
        Fold fold = new Fold(split.repeat() + 1, split.fold() + 1, split.train().length, split.test().length, seed, scores,
            model.epochs(), bestEpoch(model), model.end().map(RunEnd::describe).orElse(""),
            (System.nanoTime() - started) / 1e9, saved);
        folds.add(fold);
        if (options.onFold() != null) {
          options.onFold().accept(fold);
        }
      }
    }
    return new Result(resampling.describe(), List.copyOf(folds), aggregate(measures, folds));
  }

  /**
   * A split's own file or folder for a callback's path parameter, so that splits (and trials in
   * parallel) never write over each other: {@code log.csv} becomes {@code log-r1-f2.csv}, a folder
   * {@code ckpt} becomes {@code ckpt/r1-f2}.
   */
  static String ownPath(String value, String tag) {
    Path p = Path.of(value);
    String file = p.getFileName() == null ? "" : p.getFileName().toString();
    int dot = file.lastIndexOf('.');
    if (dot > 0) {
      return p.resolveSibling(file.substring(0, dot) + "-" + tag + file.substring(dot)).toString();
    }
    return p.resolve(tag).toString();
  }

  /** The best epoch early stopping saw; the epochs trained when it did not run. */
  static int bestEpoch(TrainedModel model) {
    Object es = model.callbacks().get("early_stopping");
    if (es instanceof Map<?, ?> state && state.get("best_epoch") instanceof Number n && n.intValue() > 0) {
      return n.intValue();
    }
    return model.epochs();
  }

  /**
   * Each measure's mean and sample standard deviation over the folds.
   *
   * @param measures the measure ids, in order
   * @param folds the folds
   * @return the aggregates
   */
  public static List<Aggregate> aggregate(List<String> measures, List<Fold> folds) {
    List<Aggregate> out = new ArrayList<>();
    for (String m : measures) {
      double[] v = folds.stream().mapToDouble(f -> f.scores().get(m)).toArray();
      double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
      double ss = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
      out.add(new Aggregate(m, mean, v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : Double.NaN));
    }
    return List.copyOf(out);
  }
}
