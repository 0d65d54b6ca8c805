package org.torchwork.runtime.tune;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.torchwork.api.Measure;
import org.torchwork.api.Param;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Interrupts;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Tunes learner and callback parameters, as mlr3tuning does: random or grid search over a
 * {@link SearchSpace}, each trial scored by resampling, with a budget of trials or time. Trials run
 * on a {@link TrialExecutor} (worker threads here, or Spark). Every finished trial is recorded in
 * the tuning folder at once, so a tuning that is killed or interrupted goes on where it stopped
 * when started again, without repeating a trial.
 *
 * <pre>{@code
 * Tuning tuning = new Tuning(platform, config, TaskReference.builtIn("iris"),
 *         Map.of("opt.lr", "loguniform(1e-4, 1e-1)"), Resampling.cv(3), List.of("classif.acc"), Path.of("tuning"))
 *     .trials(10).seed(1);
 * try (LocalTrials workers = new LocalTrials(platform, 2, List.of())) {
 *   Tuning.Outcome outcome = tuning.run(workers, r -> {});
 * }
 * }</pre>
 */
public final class Tuning {
  /** Random search: each trial draws its values from the space. */
  public static final String RANDOM = "random";
  /** Grid search: the trials walk a grid over the space, in a seeded random order. */
  public static final String GRID = "grid";
  private static final int DEFAULT_RANDOM_TRIALS = 10;

  private final Platform platform;
  private final LearnerConfig base;
  private final TaskReference task;
  private final Map<String, Object> space;
  private final Resampling resampling;
  private final List<String> measures;
  private final Path folder;
  private String method = RANDOM;
  private int resolution = 5;
  private Integer trials;
  private Duration time;
  private long seed = 1;
  /** The space check() accepted for the current settings; null until then, and again after a setter. */
  private SearchSpace checked;

  /**
   * A tuning.
   *
   * @param platform where ids are resolved
   * @param base the learner with the settings every trial shares
   * @param task the task
   * @param space the search space as written (see {@link SearchSpace})
   * @param resampling how each trial is scored
   * @param measures the measures; the first one ranks the trials
   * @param folder where the trials are recorded
   */
  public Tuning(Platform platform, LearnerConfig base, TaskReference task, Map<String, ?> space, Resampling resampling,
      List<String> measures, Path folder) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.base = Objects.requireNonNull(base, "base");
    this.task = Objects.requireNonNull(task, "task");
    this.space = new LinkedHashMap<>(space);
    this.resampling = Objects.requireNonNull(resampling, "resampling");
    this.measures = List.copyOf(measures);
    this.folder = Objects.requireNonNull(folder, "folder");
  }

  /**
   * Sets the search method.
   *
   * @param m {@value #RANDOM} (default) or {@value #GRID}
   * @return this tuning
   */
  public Tuning method(String m) {
    if (!RANDOM.equals(m) && !GRID.equals(m)) {
      throw new TorchworkException("The search method is random or grid, not '" + m + "'.");
    }
    this.method = m;
    this.checked = null;
    return this;
  }

  /**
   * Sets the points per range of a grid search (5 by default).
   *
   * @param points the points, at least 2
   * @return this tuning
   */
  public Tuning resolution(int points) {
    this.resolution = points;
    this.checked = null;
    return this;
  }

  /**
   * Sets the trial budget: at most this many trials in all, counting those finished before in
   * the folder (random search: 10 by default; grid search: the whole grid).
   *
   * @param count the trials, at least 1
   * @return this tuning
   */
  public Tuning trials(int count) {
    if (count < 1) {
      throw new TorchworkException("--trials must be at least 1, not " + count + ".");
    }
    this.trials = count;
    this.checked = null;
    return this;
  }

  /**
   * Sets the time budget: no trial starts after it has run out (trials in progress finish).
   *
   * @param budget the time, or null for none
   * @return this tuning
   */
  public Tuning time(Duration budget) {
    if (budget != null && (budget.isNegative() || budget.isZero())) {
      throw new TorchworkException("The time budget must be positive, not " + budget + ".");
    }
    this.time = budget;
    this.checked = null;
    return this;
  }

  /**
   * Sets the seed of the search (the trials' values) and of the resampling's splits.
   *
   * @param s the seed
   * @return this tuning
   */
  public Tuning seed(long s) {
    this.seed = s;
    this.checked = null;
    return this;
  }

  /**
   * What a tuning did.
   *
   * @param results every finished trial, by number, those of earlier runs on the folder included
   * @param before how many of them were finished before this run
   * @param planned how many trials the budget allows
   * @param best the best trial, if any succeeded
   * @param interrupted whether an interrupt (Ctrl-C) stopped the tuning early
   * @param timedOut whether the time budget stopped it before every planned trial ran
   * @param folder where the trials are recorded
   */
  public record Outcome(List<TrialResult> results, int before, int planned, Optional<TrialResult> best, boolean interrupted,
      boolean timedOut, Path folder) {}

  /**
   * Checks the setup: the search space against the learner's parameters, the measures, every
   * setting against the task (with the first trial's values). Nothing is trained; a second call with
   * the same settings returns the space checked before.
   *
   * @return the checked space
   * @throws TorchworkException for the first problem found
   */
  public SearchSpace check() {
    if (checked != null) {
      return checked;
    }
    try (TorchLearner l = base.build(platform)) {
      Object epochs = base.settings().get("epochs");
      SearchSpace s = SearchSpace.parse(space, l.paramSet(), epochs == null ? null : Integer.valueOf(Param.format(epochs)));
      if (s.internalEpochs().isPresent()) {
        Object patience = base.settings().get("patience");
        if (patience == null || Integer.parseInt(patience.toString()) < 1 || !(base.settings().containsKey("validate")
            || space.containsKey("validate"))) {
          throw new TorchworkException("search: epochs: internal finds the epochs by early stopping, which needs patience"
              + " and validation data inside each training: set patience (e.g. patience: 3), validate (e.g. validate: 0.2)"
              + " and measures_valid (e.g. measures_valid: classif.ce) under params:.");
        }
      }
      for (String id : measures) {
        Measure m = platform.measure(id);
        if (m.taskType() != l.taskType()) {
          throw new TorchworkException("--score " + id + " is a " + m.taskType() + " measure, but learner '" + l.id() + "' is a "
              + l.taskType() + " learner. Score with " + l.taskType() + ".* measures.");
        }
      }
      if (measures.isEmpty()) {
        throw new TorchworkException("A tuning needs a measure to rank the trials, e.g. --score classif.acc.");
      }
      if (base.settings().containsKey("resume")) {
        throw new TorchworkException("resume continues one training, but tuning trains a fresh learner for every split. Remove"
            + " resume.");
      }
      List<Trial> plan = plan(s);
      TuningJob job = job(s);
      try (TorchLearner first = job.configOf(plan.get(0)).build(platform)) {
        first.validate(job.loadTask(platform));
      } catch (TorchworkException e) {
        throw new TorchworkException("Trial 1 (" + LearnerConfig.describe(plan.get(0).values()) + ", drawn from the search space)"
            + " cannot train: " + e.getMessage() + " Every trial draws from the space: narrow it, or set what it needs under"
            + " params:.", e);
      }
      checked = s;
      return s;
    }
  }

  private TuningJob job(SearchSpace s) {
    return new TuningJob(base, task, resampling.seed(seed), measures, s.internalEpochs().orElse(null));
  }

  /** Every trial the budget allows, in order. */
  private List<Trial> plan(SearchSpace s) {
    List<Trial> out = new ArrayList<>();
    if (GRID.equals(method)) {
      List<Map<String, Object>> points = s.grid(resolution);
      Collections.shuffle(points, new Random(seed));
      int n = trials == null ? points.size() : Math.min(trials, points.size());
      for (int i = 0; i < n; i++) {
        out.add(new Trial(i + 1, points.get(i)));
      }
    } else {
      int n = trials == null ? DEFAULT_RANDOM_TRIALS : trials;
      for (int i = 1; i <= n; i++) {
        out.add(new Trial(i, s.sample(new SplittableRandom(seed * 1_000_003L + i))));
      }
    }
    return out;
  }

  /** What the folder's trials must have been run with, as plain data. */
  private Map<String, Object> setup() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learner", base.learner());
    m.put("callbacks", base.callbacks());
    Map<String, Object> settings = new LinkedHashMap<>();
    base.settings().forEach((k, v) -> settings.put(k, Param.format(v)));
    m.put("settings", settings);
    m.put("task", task.fingerprint());
    m.put("space", new LinkedHashMap<>(SearchSpaceText.of(space)));
    m.put("method", method);
    if (GRID.equals(method)) {
      m.put("resolution", resolution);
    }
    m.put("resampling", new LinkedHashMap<>(resampling.toMap()));
    m.put("seed", Long.toString(seed));
    m.put("measures", measures);
    return m;
  }

  /**
   * Runs the trials the budget allows that the folder does not hold yet.
   *
   * @param executor where the trials run
   * @param onTrial called with each trial's result as it finishes (one at a time)
   * @return what the tuning did
   * @throws TorchworkException for a bad setup, before any trial runs
   */
  public Outcome run(TrialExecutor executor, Consumer<TrialResult> onTrial) {
    SearchSpace s = check();
    List<Trial> plan = plan(s);
    TuningJob job = job(s);
    try (TuningFolder f = TuningFolder.open(folder, setup(), s.keys(), measures)) {
      Map<Integer, TrialResult> done = f.finished();
      for (TrialResult r : done.values()) {
        if (r.number() <= plan.size() && !r.values().equals(plan.get(r.number() - 1).values())) {
          throw new TorchworkException(folder.resolve(TuningFolder.TRIALS) + " holds trial " + r.number() + " with values "
              + LearnerConfig.describe(r.values()) + ", but this setup gives it " + LearnerConfig.describe(plan.get(r.number() - 1)
              .values()) + ". Give --out another folder for this setup.");
        }
      }
      int before = done.size();
      Deque<Trial> queue = new ArrayDeque<>();
      plan.stream().filter(t -> !done.containsKey(t.number())).forEach(queue::add);
      long deadline = time == null ? Long.MAX_VALUE : System.nanoTime() + time.toNanos();
      Map<CompletableFuture<TrialResult>, Trial> running = new LinkedHashMap<>();
      boolean interrupted = false;
      while (true) {
        while (!interrupted && Interrupts.requested().isEmpty() && running.size() < executor.slots() && !queue.isEmpty()
            && System.nanoTime() < deadline) {
          Trial t = queue.poll();
          running.put(executor.submit(job, t), t);
        }
        if (running.isEmpty()) {
          break;
        }
        try {
          CompletableFuture.anyOf(running.keySet().toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
          // Handled below, per trial.
        }
        for (CompletableFuture<TrialResult> fut : List.copyOf(running.keySet())) {
          if (!fut.isDone()) {
            continue;
          }
          Trial t = running.remove(fut);
          TrialResult r;
          try {
            r = fut.join();
          } catch (CompletionException e) {
            r = TrialResult.failed(t, 0, message(e.getCause()));
          }
          if (TrialResult.INTERRUPTED.equals(r.status())) {
            interrupted = true;
            continue;
          }
          f.record(r);
          onTrial.accept(r);
        }
        interrupted |= Interrupts.requested().isPresent() && running.isEmpty() && !queue.isEmpty();
      }
      List<TrialResult> results = new ArrayList<>(f.finished().values());
      Optional<TrialResult> best = best(results);
      best.ifPresent(b -> {
        Map<String, Object> doc = bestDocument(b, job);
        f.best(doc, runConfig(doc));
      });
      int planned = plan.size();
      return new Outcome(results, before, planned, best, interrupted, !interrupted && !queue.isEmpty(), folder);
    }
  }

  private Map<String, Object> bestDocument(TrialResult b, TuningJob job) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("trial", b.number());
    doc.put("learner", base.learner());
    doc.put("callbacks", base.callbacks());
    doc.put("values", b.values());
    doc.put("internal_epochs", b.internalEpochs());
    Map<String, Object> scores = new LinkedHashMap<>();
    b.aggregates().forEach(a -> scores.put(a.measure(), a.mean()));
    doc.put("scores", scores);
    Map<String, Object> settings = new LinkedHashMap<>();
    LearnerConfig best = finalConfig(b, job);
    try (TorchLearner l = best.build(platform)) {
      // Each setting as its parameter's type (a flag's "0.2" as 0.2), as a run config would give it.
      best.settings().forEach((k, v) -> settings.put(k, l.paramSet().find(k).map(p -> p.convert(v, k)).orElse(v)));
    }
    doc.put("settings", settings);
    return doc;
  }

  /** A run config (JSON, which YAML reads) that trains the best configuration: {@code train --config best.yaml}. */
  private Map<String, Object> runConfig(Map<String, Object> best) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (task.id() != null) {
      doc.put("task", task.id());
    } else {
      doc.put("task", task.csv());
      doc.put("target", task.target());
    }
    doc.put("learner", base.learner());
    doc.put("callbacks", base.callbacks());
    doc.put("params", best.get("settings"));
    return doc;
  }

  /**
   * The best of some trials by the first measure (ties go to the earlier trial).
   *
   * @param results the trials
   * @return the best one that succeeded, if any
   */
  public Optional<TrialResult> best(List<TrialResult> results) {
    boolean minimize = platform.measure(measures.get(0)).minimize();
    Comparator<TrialResult> byScore = Comparator.comparingDouble(r -> r.mean(measures.get(0)));
    if (!minimize) {
      byScore = byScore.reversed();
    }
    // A trial whose score is not a number (a diverged training) is never the best.
    return results.stream().filter(r -> r.ok() && Double.isFinite(r.mean(measures.get(0))))
        .sorted(byScore.thenComparingInt(TrialResult::number)).findFirst();
  }

  /** The configuration a trial's values give for training on all the data. */
  private LearnerConfig finalConfig(TrialResult best, TuningJob job) {
    LearnerConfig c = job.base().with(best.values());
    if (best.internalEpochs() != null) {
      // The epochs early stopping found, trained on all the rows without early stopping, as mlr3torch does.
      c = c.with(Map.of("epochs", best.internalEpochs())).without("patience").without("validate").without("measures_valid");
    }
    return c;
  }

  /**
   * Trains the best configuration on the whole task.
   *
   * @param best the trial
   * @return the trained learner; the caller closes it
   */
  public TorchLearner retrain(TrialResult best) {
    SearchSpace s = check();
    TuningJob job = job(s);
    TorchLearner l = finalConfig(best, job).build(platform);
    Task t = job.loadTask(platform);
    try {
      l.out(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      return l.train(t);
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /**
   * Sets the engine's threads per training so that {@code workers} trainings at once share the
   * machine's cores without oversubscribing them: the cores divided by the workers, at least one
   * (PyTorch reads this when it loads; a value set before is kept, and one worker keeps the
   * engine's default). A trial's scores depend on its seed and on these threads, not on how many
   * trials run beside it.
   *
   * @param workers trainings at once
   */
  public static void engineThreads(int workers) {
    if (workers > 1 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
  }

  /**
   * A failure as one line for the results table: the message of the deepest Torchwork error.
   *
   * @param e the failure
   * @return the message
   */
  public static String message(Throwable e) {
    Throwable shown = e;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof TorchworkException) {
        shown = t;
        break;
      }
    }
    String m = shown.getMessage() == null ? shown.toString() : shown.getMessage();
    return m.replace('\n', ' ');
  }

  /** The search space as text, for the record of a tuning. */
  private static final class SearchSpaceText {
    static Map<String, Object> of(Map<String, Object> space) {
      Map<String, Object> out = new LinkedHashMap<>();
      // Spaces in a domain do not make another setup: loguniform(1e-3, 1e-1) is loguniform(1e-3,1e-1).
      space.forEach((k, v) -> out.put(k, v instanceof List<?> l ? l.stream().map(Param::format).toList()
          : String.valueOf(v).replaceAll("\\s+", "")));
      return out;
    }
  }
}
