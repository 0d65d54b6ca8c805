package org.torchwork.runtime;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchwork.api.ApiVersion;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.Standardization;
import org.torchwork.runtime.store.Json;
import org.torchwork.runtime.store.ModelFiles;

/**
 * Between a {@link TrainedModel} and its folder: what a run's model is described as when saved,
 * how a saved one is rebuilt (its learner and plugin checked against the ones that saved it), and
 * what a run that fine-tunes one takes from it.
 */
final class SavedModels {
  /** Learner parameters that say where or how a run trained, not what the network is. */
  private static final List<String> RUN_ONLY = List.of("engine", "device", "devices", "resume", "init_from");
  private static final Pattern MAJOR = Pattern.compile("(\\d{1,9})\\..*");

  private SavedModels() {}

  /** Loads a saved model; see {@link TrainedModel#load(Path, Platform, String, String)}. */
  static TrainedModel load(Path dir, Platform platform, String engine, String device) {
    ModelFiles.Saved saved = ModelFiles.read(dir);
    ModelFiles.Meta meta = saved.meta();
    LearnerSpec spec = learnerOf(saved, platform);
    TaskType type = meta.taskType().equals(TaskType.CLASSIF.id()) ? TaskType.CLASSIF : TaskType.REGR;
    if (spec.taskType() != type) {
      throw new TorchworkException("Model folder " + dir + " holds a " + type + " model, but learner '" + spec.id() + "' is now a "
          + spec.taskType() + " learner. Load it with the learner version that saved it.");
    }
    TorchLearner learner = platform.learner(spec.id());
    meta.params().forEach((key, value) -> {
      // How it trained (its loss and weights) is not needed to rebuild it, nor its loss's plugin.
      if (!RUN_ONLY.contains(key) && !LossSettings.isLossKey(key) && value != null) {
        try {
          learner.set(key, value);
        } catch (TorchworkException e) {
          throw new TorchworkException("Model folder " + dir + " was saved with learner parameter " + key + "=" + value
              + ", which learner '" + spec.id() + "' no longer takes (" + e.getMessage() + ") Load it with the learner version"
              + " that saved it.", e);
        }
      }
    });
    // The engine it was trained on, when installed; else the usual choice.
    Map<String, String> trainedOn = platform.backends().ids().contains(meta.training().engine())
        ? Map.of("engine", meta.training().engine()) : Map.of();
    BackendChoice choice = BackendChoice.resolve(platform.backends(), Optional.ofNullable(engine), Optional.ofNullable(device),
        "the %s asked for", trainedOn, "the model's engine", System::getenv);
    NetworkShape shape = new NetworkShape(meta.inputs().width(), type == TaskType.CLASSIF ? meta.classes().size() : 1,
        meta.inputs().cardinalities(), meta.inputs().shape());
    ParamValues params;
    try {
      params = learner.params();
    } catch (TorchworkException e) {
      throw new TorchworkException("Model folder " + dir + " does not give every parameter learner '" + spec.id() + "' needs ("
          + e.getMessage() + ") Load it with the learner version that saved it.", e);
    }
    Block block = spec.network().create(shape, params);
    Model model = Model.newInstance(spec.id(), choice.device(), choice.engine().getEngineName());
    try {
      model.setBlock(block);
      saved.loadInto(block, () -> spec.network().create(shape, params), model.getNDManager());
      Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>();
      saved.callbackTensors().forEach((id, named) -> {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        named.forEach((name, bytes) -> arrays.put(name, NDArray.decode(model.getNDManager(), bytes)));
        tensors.put(id, Collections.unmodifiableMap(arrays));
      });
      return new TrainedModel(model, meta, choice, dir, Collections.unmodifiableMap(tensors));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The learner's settings, with the network's own parameters ({@code neurons}, {@code layers},
   * ...) that are not set taken from the model a run fine-tunes, so that its weights fit.
   */
  static Map<String, Object> withNetworkOf(ModelFiles.Saved init, Map<String, Object> values, ParamSet paramSet, LearnerSpec spec) {
    Map<String, Object> merged = new LinkedHashMap<>(values);
    for (String id : spec.params().ids()) {
      Object saved = init.meta().params().get(id);
      if (!merged.containsKey(id) && saved != null && init.meta().learner().equals(spec.id())) {
        try {
          merged.put(id, paramSet.find(id).orElseThrow().convert(saved, id));
        } catch (TorchworkException e) {
          throw new TorchworkException("Model folder " + init.dir() + " (init_from) has " + id + "=" + saved + ", which learner '"
              + spec.id() + "' does not take (" + e.getMessage() + ") Set " + id + " yourself.", e);
        }
      }
    }
    return merged;
  }

  /** The learner a saved model needs, with its plugin checked against the one that saved it. */
  private static LearnerSpec learnerOf(ModelFiles.Saved saved, Platform platform) {
    ModelFiles.Meta meta = saved.meta();
    ModelFiles.Origin origin = meta.origin();
    String where = "Model folder " + saved.dir() + " was trained with learner '" + meta.learner() + "'";
    Optional<LearnerSpec> spec = platform.learners().find(meta.learner());
    if (spec.isEmpty()) {
      if (origin == null) {
        throw new TorchworkException(where + ", which this Torchwork does not have. Available learners: "
            + Names.list(platform.learners().ids()) + ". Load it with a Torchwork that has the learner.");
      }
      throw new TorchworkException(where + " from plugin " + origin.plugin() + " (" + origin.module() + " " + origin.version()
          + ", SHA-256 " + origin.sha256().substring(0, Math.min(12, origin.sha256().length())) + "...), which is not loaded: "
          + platform.pluginsDir().map(d -> "the plugins directory " + d + " does not provide it").orElse("no plugins directory is set")
          + ". Put " + origin.plugin() + " (version " + major(origin.version()).map(m -> m + ".x").orElse(origin.version())
          + ") into the plugins directory (--plugins DIR, or TORCHWORK_PLUGINS) and load again.");
    }
    if (origin != null) {
      Optional<Plugin> now = platform.pluginProviding("learner", meta.learner());
      Optional<Integer> then = major(origin.version());
      Optional<Integer> here = now.flatMap(p -> major(p.version()));
      if (now.isPresent() && then.isPresent() && here.isPresent() && !then.equals(here)) {
        throw new TorchworkException(where + " from plugin " + origin.plugin() + " version " + origin.version() + ", but the"
            + " plugins directory has version " + now.get().version() + " (" + now.get().path() + "), another major version,"
            + " whose network may differ. Put a " + then.get() + ".x build of the plugin into the plugins directory to load it.");
      }
    }
    return spec.get();
  }

  private static Optional<Integer> major(String version) {
    Matcher m = MAJOR.matcher(version == null ? "" : version);
    return m.matches() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /** The Torchwork version: the runtime jar's, else the api's (they are built together). */
  static String version() {
    String v = SavedModels.class.getPackage().getImplementationVersion();
    return v != null ? v : ApiVersion.current().text();
  }

  /** How a saved model's run ended, when it was recorded. */
  static Optional<RunEnd> end(ModelFiles.Meta meta) {
    ModelFiles.End e = meta.training().end();
    return e == null || e.kind() == null ? Optional.empty()
        : Optional.of(new RunEnd(e.kind(), e.epoch(), e.epochs(), e.callback(), e.stage(), e.reason()));
  }

  /** The description of a run's model, for saving. */
  static ModelFiles.Meta meta(LearnerSpec spec, Optional<Plugin> plugin, Task train, Preprocessing preprocessing, String id,
      Map<String, Object> params, Map<String, Map<String, Object>> callbackParams, Standardization standardization, BackendChoice choice,
      int seed, int epochs, Map<String, Object> states, RunEnd end) {
    ModelFiles.Origin origin = plugin.map(p -> new ModelFiles.Origin(p.path().getFileName().toString(), String.join(",", p.modules()),
        p.version(), p.sha256())).orElse(null);
    ModelFiles.Training training = new ModelFiles.Training(choice.backend().id(),
        choice.engine().getEngineName() + " " + choice.engine().getVersion(), BackendChoice.deviceName(choice.device()), seed, epochs,
        end == null ? null : new ModelFiles.End(end.kind(), end.epoch(), end.epochs(), end.callback(), end.stage(), end.reason()));
    List<String> classes = new ArrayList<>(train.classes());
    return new ModelFiles.Meta(ModelFiles.FORMAT, version(), spec.id(), origin, spec.taskType().id(), train.target(),
        preprocessing.names(), classes, Json.plain(params), Json.plain(callbackParams), standardization, training,
        Objects.requireNonNullElse(states, Map.of()), preprocessing, id, train.readSettings());
  }
}
