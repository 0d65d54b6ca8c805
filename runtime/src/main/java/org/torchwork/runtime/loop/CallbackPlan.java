package org.torchwork.runtime.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Param;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.runtime.store.Checkpoints;

/**
 * The callbacks of a run, checked and ordered: their parameters, early stopping when the learner
 * asks for it, and the rule that no stateful callback runs after one that saves checkpoints.
 */
public final class CallbackPlan {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackPlan.class);

  private CallbackPlan() {}

  /**
   * The learner's callbacks plus early stopping when {@code patience} is set.
   *
   * @param callbacks the learner's callbacks
   * @param p the learner's parameters
   * @return the callbacks that will run, in the order given
   */
  public static List<TorchCallback> withEarlyStopping(List<TorchCallback> callbacks, ParamValues p) {
    List<TorchCallback> all = new ArrayList<>(callbacks);
    if (p.getInt("patience") > 0) {
      all.add(EarlyStopping.descriptor(new EarlyStopping.Settings(p.getInt("patience"),
          p.has("monitor") ? p.getString("monitor") : null, p.getString("mode"), p.getDouble("min_delta"),
          p.getInt("start_from_epoch"), p.has("baseline") ? p.getDouble("baseline") : null, p.getBoolean("restore_best_weights"))));
    }
    return all;
  }

  /**
   * The ids of the callbacks that will run, early stopping included.
   *
   * @param callbacks the learner's callbacks
   * @param p the learner's parameters
   * @return the ids, sorted
   */
  public static Set<String> ids(List<TorchCallback> callbacks, ParamValues p) {
    Set<String> ids = new TreeSet<>();
    withEarlyStopping(callbacks, p).forEach(cb -> ids.add(cb.id()));
    return ids;
  }

  /**
   * A callback with its checked parameter values.
   *
   * @param descriptor the callback
   * @param values its parameter values
   */
  public record Resolved(TorchCallback descriptor, ParamValues values) {}

  /**
   * Checks the callbacks and their parameters and orders them by weight (stable); creates no
   * callback instance.
   *
   * @param callbacks the learner's callbacks, in the order given
   * @param callbackValues the {@code cb.<id>.<param>} values, by callback id
   * @param p the learner's parameters (early stopping's among them)
   * @param known every callback id the platform knows, for messages
   * @param validates whether the run has validation data (early stopping needs it)
   * @return the callbacks with their values, early stopping included, in the order they run
   */
  public static List<Resolved> resolve(List<TorchCallback> callbacks, Map<String, Map<String, Object>> callbackValues, ParamValues p,
      Set<String> known, boolean validates) {
    Set<String> ids = new HashSet<>();
    callbacks.forEach(c -> ids.add(c.id()));
    for (Map.Entry<String, Map<String, Object>> e : callbackValues.entrySet()) {
      if (!ids.contains(e.getKey()) && !e.getValue().isEmpty()) {
        String key = "cb." + e.getKey() + "." + e.getValue().keySet().iterator().next();
        Set<String> all = new TreeSet<>(known);
        all.addAll(ids);
        String fix = all.contains(e.getKey())
            ? " Add the callback (--callbacks " + e.getKey() + ") or remove the setting."
            : " There is no callback '" + e.getKey() + "'." + Names.didYouMean(e.getKey(), all) + " Fix the id or remove the setting.";
        throw new TorchworkException(
            "Parameter '" + key + "' is for callback '" + e.getKey() + "', which this learner does not use. The learner's"
                + " callbacks: " + Names.list(ids) + "." + fix);
      }
    }
    if (p.getInt("patience") == 0) {
      for (String key : List.of("monitor", "baseline", "start_from_epoch", "mode")) {
        if (p.has(key) && !(key.equals("mode") && p.getString(key).equals("auto"))
            && !(key.equals("start_from_epoch") && p.getInt(key) == 0)) {
          throw new TorchworkException("Parameter '" + key + "' is for early stopping, which is off (patience=0). Set"
              + " patience=<checks without improvement>, e.g. patience=3, or remove " + key + ".");
        }
      }
    }
    if (p.getInt("patience") > 0) {
      if (ids.contains(EarlyStopping.ID)) {
        throw new TorchworkException("Callback id '" + EarlyStopping.ID + "' is reserved for early stopping, which the"
            + " learner parameters patience, min_delta and restore_best_weights set up. Rename the callback.");
      }
      if (!p.has("monitor") && (!validates || p.getList("measures_valid", String.class).isEmpty())) {
        throw new TorchworkException("Early stopping (patience=" + p.getInt("patience") + ") watches the first validation"
            + " measure unless monitor is set, but the learner has " + (validates ? "no measures_valid" : "no validation data")
            + ". Set validate=<ratio> (or give validation data) and measures_valid=<measure>, e.g. validate=0.3"
            + " measures_valid=classif.ce; or monitor another quantity, e.g. monitor=train.loss.");
      }
    }
    List<Resolved> resolved = new ArrayList<>();
    for (TorchCallback cb : withEarlyStopping(callbacks, p)) {
      resolved.add(new Resolved(cb, cb.resolve(callbackValues.getOrDefault(cb.id(), Map.of()))));
    }
    resolved.sort(Comparator.comparingDouble(r -> r.descriptor().weight()));
    checkOrder(resolved);
    return resolved;
  }

  /**
   * Creates the callbacks, with a context class loader that finds classes named in parameters
   * (such as {@code cb.lr_lambda.function}) in plugins too.
   *
   * @param resolved the resolved callbacks, in order
   * @param classes finds classes in Torchwork and in every plugin
   * @return the live callbacks
   */
  public static List<Live> generate(List<Resolved> resolved, ClassLoader classes) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(classes);
    try {
      List<Live> live = new ArrayList<>();
      for (Resolved r : resolved) {
        TorchCallback cb = r.descriptor();
        for (String warning : CallbackSet.suspiciousMethods(cb.generator())) {
          LOG.warn("Callback '{}': {}", cb.id(), warning);
        }
        live.add(new Live(cb.id(), cb.generate(r.values()), cb.publishes()));
      }
      return live;
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  /**
   * The checkpoint a run resumes from: {@code resume=<file>} or {@code <directory>} (its latest),
   * or {@code resume=auto}: the latest in the folder of the run's checkpointing callback
   * ({@code cb.checkpoint.path}) when it holds one, none (a fresh start) when it holds none.
   *
   * @param value the learner's {@code resume}
   * @param callbacks the run's callbacks
   * @param callbackValues their parameter values, by callback id
   * @return the checkpoint, or null to start afresh
   * @throws TorchworkException when the checkpoint cannot be read, or auto finds no checkpointing callback
   */
  public static Checkpoints.Loaded resume(String value, List<TorchCallback> callbacks,
      Map<String, Map<String, Object>> callbackValues) {
    if (!value.equals("auto")) {
      return Checkpoints.read(Path.of(value));
    }
    Optional<Path> dir = callbacks.stream().filter(TorchCallback::savesCheckpoints)
        .map(cb -> callbackValues.getOrDefault(cb.id(), Map.of()).getOrDefault("path", cb.values().get("path")))
        .filter(java.util.Objects::nonNull).map(v -> Path.of(v.toString())).findFirst();
    if (dir.isEmpty()) {
      throw new TorchworkException("resume=auto resumes from the checkpoint callback's folder, but the run has no checkpoint"
          + " callback with a path. Add one: --callbacks ...,checkpoint --set cb.checkpoint.path=DIR.");
    }
    List<Path> files;
    try {
      files = Files.isDirectory(dir.get()) ? Checkpoints.list(dir.get()) : List.of();
    } catch (IOException e) {
      throw new TorchworkException("resume=auto cannot read the checkpoint folder " + dir.get() + ": " + e.getMessage()
          + ". Check its permissions.", e);
    }
    return files.isEmpty() ? null : Checkpoints.read(dir.get());
  }

  /** A stateful callback that runs after a checkpointing one would have its state saved stale. */
  private static void checkOrder(List<Resolved> ordered) {
    TorchCallback checkpointing = null;
    for (Resolved r : ordered) {
      TorchCallback cb = r.descriptor();
      if (checkpointing != null && cb.stateful()) {
        throw new TorchworkException(
            "Callback '" + cb.id() + "' keeps state but runs after '" + checkpointing.id() + "', which saves checkpoints, so"
                + " its state would be saved stale. Give '" + cb.id() + "' a lower weight than '" + checkpointing.id()
                + "' (weight " + Param.format(checkpointing.weight()) + "), or list it first.");
      }
      if (cb.savesCheckpoints() && checkpointing == null) {
        checkpointing = cb;
      }
    }
  }
}
