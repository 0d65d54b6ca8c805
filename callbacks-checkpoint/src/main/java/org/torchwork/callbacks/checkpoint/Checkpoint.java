package org.torchwork.callbacks.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Monitor;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;

/**
 * Saves a checkpoint every {@code freq} epochs and when the run ends, to
 * {@code <path>/checkpoint-<epoch>.zip}; optionally also every {@code every_n_steps} batches or
 * {@code every_minutes} minutes ({@code checkpoint-<epochs done>+<batch>.zip}), where an
 * interrupted run stopped ({@code on_interrupt}) and where a failed run stopped
 * ({@code on_exception}). Each holds the network, the optimizer's state, the random state that
 * orders the data, the epoch, the learning rate and every callback's state by id
 * ({@link Context#saveCheckpoint}); each is written atomically, so a crash mid-write leaves the
 * previous one intact. Resume with the learner parameter {@code resume=<path>} (the latest
 * checkpoint in the directory), {@code resume=<file>}, or {@code resume=auto}.
 *
 * <p>Which files stay: with {@code keep_last=n}, the latest n; with {@code save_top_k=k} and a
 * {@code monitor} ({@code mode}, {@code min_delta} as for early stopping), also the k best epochs
 * by the monitored quantity (an epoch that ranks among them is saved even between {@code freq}
 * epochs). The latest checkpoint always stays; with {@code save_top_k} alone, the k best and the
 * latest stay. Without either, every checkpoint stays.
 *
 * <p>The folder belongs to one run ({@link Context#claimCheckpoints}, in {@code on_begin}, before
 * training starts): a second run writing to it at the same time, and a later run that does not
 * resume this one, are refused, unless {@code fresh} is set. Only files this run wrote are ever
 * deleted.
 *
 * <p>Weight {@code +infinity}: it runs after every other callback in a stage, so the states it
 * saves are current; a stateful callback ordered after it is refused.
 *
 * <p>State: the epochs saved so far ({@code saved}), the directory ({@code path}), the last file
 * written ({@code last}) and the files kept, each with its epoch, step and monitored value
 * ({@code kept}).
 */
public final class Checkpoint extends CallbackSet {
  /** How often and when to save, and which files to keep. */
  record Settings(int freq, Integer everyNSteps, Double everyMinutes, boolean onInterrupt, boolean onException, boolean fresh,
      int keepLast, int saveTopK, String monitor, String mode, double minDelta) {}

  /** A checkpoint file this run wrote and keeps. */
  private record Kept(String file, int epoch, int step, Double score) {}

  private final Path dir;
  private final Settings settings;
  private final List<Integer> saved = new ArrayList<>();
  private final List<Kept> kept = new ArrayList<>();
  private String last;
  private Monitor monitor;
  private long lastSaveNanos;

  /**
   * Creates the callback with the default retention: every checkpoint stays.
   *
   * @param dir the directory to write checkpoints to
   * @param freq save every this many epochs
   * @param onInterrupt whether to save where an interrupted run stopped
   * @param fresh whether to delete another run's checkpoints in the folder instead of refusing
   */
  public Checkpoint(Path dir, int freq, boolean onInterrupt, boolean fresh) {
    this(dir, new Settings(freq, null, null, onInterrupt, false, fresh, 0, 0, null, "auto", 0));
  }

  Checkpoint(Path dir, Settings settings) {
    this.dir = dir;
    this.settings = settings;
  }

  @Override
  public void onBegin(Context ctx) {
    ctx.claimCheckpoints(dir, "cb.checkpoint.path", settings.fresh());
    if (settings.saveTopK() > 0) {
      if (settings.monitor() == null) {
        throw new TorchworkException("cb.checkpoint.save_top_k=" + settings.saveTopK() + " keeps the best checkpoints by a"
            + " monitored quantity, but cb.checkpoint.monitor is not set. Set it, e.g. cb.checkpoint.monitor=valid.classif.ce,"
            + " or remove save_top_k.");
      }
      monitor = Monitor.of(settings.monitor(), settings.mode(), settings.minDelta(), "cb.checkpoint").check(ctx);
    } else if (settings.monitor() != null) {
      throw new TorchworkException("cb.checkpoint.monitor is set, but save_top_k is 0, so no checkpoint is chosen by it. Set"
          + " cb.checkpoint.save_top_k=<how many of the best to keep>, e.g. 2, or remove monitor.");
    }
    lastSaveNanos = System.nanoTime();
  }

  @Override
  public void onBatchEnd(Context ctx) {
    boolean steps = settings.everyNSteps() != null && ctx.globalStep() % settings.everyNSteps() == 0;
    boolean minutes = settings.everyMinutes() != null
        && System.nanoTime() - lastSaveNanos >= (long) (settings.everyMinutes() * 60e9);
    if (steps || minutes) {
      save(ctx, ctx.epoch() - 1, ctx.step(), null);
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    Double score = monitor == null ? null : monitor.value(ctx).orElse(null);
    if (ctx.epoch() % settings.freq() == 0 || (score != null && amongTheBest(score))) {
      saved.add(ctx.epoch());
      save(ctx, ctx.epoch(), 0, score);
    }
  }

  @Override
  public void onEnd(Context ctx) {
    if (ctx.epoch() > 0 && !saved.contains(ctx.epoch())) {
      saved.add(ctx.epoch());
      save(ctx, ctx.epoch(), 0, null);
    }
  }

  @Override
  public void onExit(Context ctx) {
    Optional<Throwable> failure = ctx.failure();
    boolean interrupted = failure.filter(TrainingInterrupted.class::isInstance).isPresent();
    // Where the run stopped: kept apart from keep_last and save_top_k, as the point a resume starts from.
    if (interrupted && settings.onInterrupt()) {
      saveWhereStopped(ctx);
    } else if (failure.isPresent() && !interrupted && settings.onException()) {
      try {
        saveWhereStopped(ctx);
        ctx.out().println("checkpoint: the run failed; saved where it stopped: " + last + " (resume with resume=" + dir + ").");
      } catch (IllegalStateException e) {
        // Inside a batch before its update, or before training began: no point to resume from.
        ctx.out().println("checkpoint: the run failed where it cannot be saved (" + e.getMessage() + ")"
            + (last == null ? "; no checkpoint was written." : "; the latest checkpoint is " + last + "."));
      }
    }
  }

  /** Saves the run where it stopped, its own state naming the file. */
  private void saveWhereStopped(Context ctx) {
    String before = last;
    int done = ctx.step() > 0 ? ctx.epoch() - 1 : ctx.epoch();
    last = dir.resolve("checkpoint-" + done + (ctx.step() == 0 ? "" : "+" + ctx.step()) + ".zip").toString();
    try {
      last = ctx.saveCheckpoint(dir).toString();
    } catch (RuntimeException e) {
      last = before;
      throw e;
    }
  }

  /** Whether a value would rank among the k best kept so far. */
  private boolean amongTheBest(double score) {
    List<Kept> scored = best();
    return scored.size() < settings.saveTopK() || monitor.improves(score, scored.get(scored.size() - 1).score());
  }

  /** The kept files with a score, best first, at most save_top_k of them. */
  private List<Kept> best() {
    if (monitor == null) {
      return List.of();
    }
    Comparator<Kept> byScore = Comparator.comparingDouble(Kept::score);
    return kept.stream().filter(k -> k.score() != null)
        .sorted(monitor.minimize() ? byScore : byScore.reversed())
        .limit(settings.saveTopK()).toList();
  }

  private void save(Context ctx, int epochsDone, int step, Double score) {
    // Recorded before saving, so that the checkpoint's own copy of this state includes it.
    Path file = dir.resolve("checkpoint-" + epochsDone + (step == 0 ? "" : "+" + step) + ".zip");
    kept.removeIf(k -> k.file().equals(file.toString()));
    kept.add(new Kept(file.toString(), epochsDone, step, score));
    List<Kept> going = prune();
    String before = last;
    last = file.toString();
    Path written;
    try {
      written = ctx.saveCheckpoint(dir);
    } catch (RuntimeException e) {
      last = before;
      throw e;
    }
    last = written.toString();
    lastSaveNanos = System.nanoTime();
    if (!written.equals(file)) {
      kept.replaceAll(k -> k.file().equals(file.toString()) ? new Kept(last, k.epoch(), k.step(), k.score()) : k);
    }
    for (Kept k : going) {
      try {
        Files.deleteIfExists(Path.of(k.file()));
      } catch (IOException e) {
        throw new TorchworkException("checkpoint cannot delete " + k.file() + ", which keep_last and save_top_k leave out: "
            + e.getMessage() + ". Check the permissions of " + dir + ".", e);
      }
    }
  }

  /** Takes the files keep_last and save_top_k leave out off the kept list; returns them. */
  private List<Kept> prune() {
    if (settings.keepLast() == 0 && settings.saveTopK() == 0) {
      return List.of();
    }
    List<Kept> stay = new ArrayList<>(best());
    // keep_last=0 keeps every checkpoint, unless save_top_k chooses: then the best and the latest stay.
    int latest = settings.keepLast() > 0 ? settings.keepLast() : settings.saveTopK() > 0 ? 1 : kept.size();
    kept.stream().sorted(Comparator.comparingInt(Kept::epoch).thenComparingInt(Kept::step).reversed())
        .limit(latest).forEach(stay::add);
    List<Kept> going = kept.stream().filter(k -> !stay.contains(k)).toList();
    kept.removeAll(going);
    return going;
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("path", dir.toString());
    state.put("saved", List.copyOf(saved));
    state.put("last", last);
    List<Object> files = new ArrayList<>();
    for (Kept k : kept) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", k.file());
      m.put("epoch", k.epoch());
      m.put("step", k.step());
      m.put("score", k.score());
      files.add(m);
    }
    state.put("kept", files);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    saved.clear();
    for (Object o : (List<?>) map.get("saved")) {
      saved.add(((Number) o).intValue());
    }
    last = (String) map.get("last");
    kept.clear();
    Object files = map.get("kept");
    if (files != null) {
      for (Object o : (List<?>) files) {
        Map<?, ?> k = (Map<?, ?>) o;
        kept.add(new Kept((String) k.get("file"), ((Number) k.get("epoch")).intValue(), ((Number) k.get("step")).intValue(),
            k.get("score") == null ? null : ((Number) k.get("score")).doubleValue()));
      }
    }
  }
}
