package org.torchwork.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Param;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.runtime.Interrupts;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Certifies that a callback resumes exactly: trains a short run straight through, the same run
 * split at every epoch (stopped after each epoch and resumed from its checkpoint), and the same
 * run interrupted in the middle of every epoch (as Ctrl-C does: {@code on_exit} saves it) and
 * resumed, and compares, bit for bit, the weights, the history, the callback's state and its
 * tensors.
 */
final class Certify {
  private static final String SAVER = "certify_checkpoints";
  private static final String STOPPER = "certify_stop";
  /** What certify's own interrupts are called, told apart from a user's Ctrl-C. */
  private static final String INTERRUPT = "certify";

  /** How the second run is split. */
  enum Split {
    /** Stopped after every epoch, resumed from its checkpoint. */
    EPOCHS("split at every epoch"),
    /** Interrupted in the middle of every epoch, saved in on_exit, resumed. */
    MIDDLE("interrupted in the middle of every epoch");

    final String what;

    Split(String what) {
      this.what = what;
    }
  }

  /** Stops a run when the epoch after the given one begins, or interrupts it in the middle of that epoch. */
  static final class Stop extends CallbackSet {
    private final int at;
    private final Split split;

    Stop(int at, Split split) {
      this.at = at;
      this.split = split;
    }

    @Override
    public void onEpochBegin(Context ctx) {
      if (split == Split.EPOCHS && ctx.epoch() == at + 1) {
        throw new Stopped();
      }
    }

    @Override
    public void onBatchEnd(Context ctx) {
      if (split == Split.MIDDLE && ctx.epoch() == at && ctx.step() == (ctx.batches() + 1) / 2) {
        Interrupts.request(INTERRUPT);
      }
    }
  }

  /** The split run's planned stop. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("stopped to resume", null, false, false);
    }
  }

  /** Saves a checkpoint at the end of every epoch, and where an interrupted run stopped. */
  static final class Saver extends CallbackSet {
    private final Path dir;

    Saver(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onBegin(Context ctx) {
      ctx.claimCheckpoints(dir, "certify's checkpoints", false);
    }

    @Override
    public void onEpochEnd(Context ctx) {
      ctx.saveCheckpoint(dir);
    }

    @Override
    public void onExit(Context ctx) {
      if (ctx.failure().filter(TrainingInterrupted.class::isInstance).isPresent()) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  /** What one way of training ended with. */
  private record Outcome(Map<String, float[]> weights, Object history, Object state, Map<String, float[]> tensors) {}

  private final Platform platform;
  private final String learner;
  private final Task task;
  private final TorchCallback callback;
  private final Map<String, Object> callbackParams;
  private final Map<String, Object> learnerParams;
  private final List<TorchCallback> others;
  private final int epochs;

  Certify(Platform platform, String learner, Task task, TorchCallback callback, Map<String, Object> callbackParams,
      Map<String, Object> learnerParams, List<TorchCallback> others, int epochs) {
    this.platform = platform;
    this.learner = learner;
    this.task = task;
    this.callback = callback;
    this.callbackParams = callbackParams;
    this.learnerParams = learnerParams;
    this.others = others;
    this.epochs = epochs;
  }

  Certificate run() {
    Path root;
    try {
      root = Files.createTempDirectory("torchwork-certify-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Outcome straight = train(root.resolve("straight"), Split.EPOCHS, 0);
      Optional<String> difference = Optional.empty();
      for (Split split : Split.values()) {
        Outcome resumed = null;
        int parts = split == Split.EPOCHS ? epochs : epochs + 1;
        for (int part = 1; part <= parts; part++) {
          resumed = train(root.resolve(split.name().toLowerCase(Locale.ROOT)), split, part);
        }
        difference = compare(straight, resumed).map(d -> d + ", with the run " + split.what);
        if (difference.isPresent()) {
          break;
        }
      }
      return new Certificate(callback.id(), epochs, difference);
    } finally {
      Interrupts.clear();
      deleteTree(root);
    }
  }

  /**
   * One run: straight through ({@code part} 0), or a part of a split run: the first starts afresh,
   * the others resume from the checkpoint the one before saved; each stops in (or after) epoch
   * {@code part}, the last runs to the end.
   */
  private Outcome train(Path dir, Split split, int part) {
    int parts = part == 0 ? 0 : split == Split.EPOCHS ? epochs : epochs + 1;
    boolean last = part == 0 || part == parts;
    Path checkpoints = dir.resolve("checkpoints");
    List<TorchCallback> callbacks = new ArrayList<>();
    callbacks.add(callback);
    boolean history = !callback.id().equals("history") && platform.callbacks().find("history").isPresent();
    if (history) {
      callbacks.add(platform.callback("history"));
    }
    callbacks.addAll(others);
    int at = last ? Integer.MAX_VALUE - 1 : part;
    callbacks.add(TorchCallback.builder(STOPPER, Stop.class).weight(Double.NEGATIVE_INFINITY).build(p -> new Stop(at, split)));
    callbacks.add(TorchCallback.builder(SAVER, Saver.class).weight(Double.POSITIVE_INFINITY).savesCheckpoints()
        .build(p -> new Saver(checkpoints)));
    try (TorchLearner l = platform.learner(learner)) {
      l.callbacks(callbacks);
      l.out(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      learnerParams.forEach(l::set);
      l.set("epochs", epochs);
      callbackParams.forEach((k, v) -> l.set("cb." + callback.id() + "." + k, v));
      for (Param param : callback.paramSet().params()) {
        if (param.isPath() && (callbackParams.containsKey(param.id()) || param.required())) {
          l.set("cb." + callback.id() + "." + param.id(), dir.resolve(pathName(param)).toString());
        }
      }
      if (part > 1) {
        l.set("resume", checkpoints.toString());
      }
      // Settings the run refuses are thrown as they are, before anything trains.
      TorchLearner.PreparedRun run = l.prepare(task);
      try {
        Interrupts.clear();
        run.train();
      } catch (TorchworkException e) {
        boolean planned = causedByStop(e) || (e instanceof TrainingInterrupted t && t.signal().equals(INTERRUPT));
        if (!last && planned) {
          return null;
        }
        if (e instanceof TrainingInterrupted || (e instanceof CallbackException c && c.stage() == Stage.ON_BEGIN)) {
          // Ctrl-C, and settings a callback refuses before training, are the user's, not the run's failure.
          throw e;
        }
        throw new TestKit.RunFailed("certify " + callback.id() + ": the run " + (part == 0 ? "straight through" : split.what
            + ", part " + part + " of " + parts) + " failed: " + e.getMessage(), e);
      }
      Map<String, float[]> weights = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
        weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
      }
      Map<String, float[]> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> t : l.model().tensors(callback.id()).entrySet()) {
        tensors.put(t.getKey(), t.getValue().toFloatArray());
      }
      Object state = normalized(l.model().callbacks().get(callback.id()), dir);
      return new Outcome(weights, history ? l.model().callbacks().get("history") : null, state, tensors);
    }
  }

  private String pathName(Param param) {
    Object given = callbackParams.get(param.id());
    String name = given == null ? "" : Path.of(given.toString()).getFileName().toString();
    int dot = name.lastIndexOf('.');
    return param.id() + (dot > 0 ? name.substring(dot) : "");
  }

  private static boolean causedByStop(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Stopped) {
        return true;
      }
    }
    return false;
  }

  /** The state with the run's own folder written as {@code <run folder>}, and clock readings as 0 when the callback measures time. */
  private Object normalized(Object state, Path dir) {
    if (state instanceof String s) {
      return s.replace(dir.toString(), "<run folder>");
    }
    if (state instanceof Number && callback.measuresTime()) {
      return 0;
    }
    if (state instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(v -> out.add(normalized(v, dir)));
      return out;
    }
    if (state instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, normalized(v, dir)));
      return out;
    }
    return state;
  }

  private Optional<String> compare(Outcome straight, Outcome split) {
    for (Map.Entry<String, float[]> w : straight.weights().entrySet()) {
      Optional<String> d = floats("weights of parameter " + w.getKey(), w.getValue(), split.weights().get(w.getKey()));
      if (d.isPresent()) {
        return d;
      }
    }
    Optional<String> d = first("history", straight.history(), split.history());
    if (d.isPresent()) {
      return d;
    }
    d = first("state of '" + callback.id() + "'", straight.state(), split.state());
    if (d.isPresent()) {
      return d;
    }
    if (!straight.tensors().keySet().equals(split.tensors().keySet())) {
      return Optional.of("tensors of '" + callback.id() + "': " + straight.tensors().keySet() + " (straight) vs "
          + split.tensors().keySet() + " (resumed)");
    }
    for (Map.Entry<String, float[]> t : straight.tensors().entrySet()) {
      d = floats("tensor '" + t.getKey() + "' of '" + callback.id() + "'", t.getValue(), split.tensors().get(t.getKey()));
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> floats(String what, float[] a, float[] b) {
    if (b == null || a.length != b.length) {
      return Optional.of(what + ": " + a.length + " values (straight) vs " + (b == null ? "none" : b.length) + " (resumed)");
    }
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
        return Optional.of(String.format(Locale.ROOT, "%s, element %d: %s (straight) vs %s (resumed)", what, i, a[i], b[i]));
      }
    }
    return Optional.empty();
  }

  /** The first place two plain-data values differ, named by its path ({@code kept[0].file}). */
  static Optional<String> first(String where, Object a, Object b) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      for (Object key : ma.keySet()) {
        if (!mb.containsKey(key)) {
          return Optional.of(where + "." + key + ": " + show(ma.get(key)) + " (straight) vs missing (resumed)");
        }
        Optional<String> d = first(where + "." + key, ma.get(key), mb.get(key));
        if (d.isPresent()) {
          return d;
        }
      }
      for (Object key : mb.keySet()) {
        if (!ma.containsKey(key)) {
          return Optional.of(where + "." + key + ": missing (straight) vs " + show(mb.get(key)) + " (resumed)");
        }
      }
      return Optional.empty();
    }
    if (a instanceof List<?> la && b instanceof List<?> lb) {
      for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
        Optional<String> d = first(where + "[" + i + "]", la.get(i), lb.get(i));
        if (d.isPresent()) {
          return d;
        }
      }
      return la.size() == lb.size() ? Optional.empty()
          : Optional.of(where + ": " + la.size() + " entries (straight) vs " + lb.size() + " (resumed)");
    }
    return java.util.Objects.equals(a, b) ? Optional.empty()
        : Optional.of(where + ": " + show(a) + " (straight) vs " + show(b) + " (resumed)");
  }

  private static String show(Object v) {
    return v instanceof String ? "'" + v + "'" : String.valueOf(v);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a temporary folder; the system cleans up what is left
        }
      });
    } catch (IOException e) {
      // as above
    }
  }
}
