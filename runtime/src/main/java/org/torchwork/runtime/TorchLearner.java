package org.torchwork.runtime;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.torchwork.api.Learner;
import org.torchwork.api.Measure;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;
import org.torchwork.data.Limits;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.Standardization;
import org.torchwork.data.Tasks;
import org.torchwork.data.TrainingData;
import org.torchwork.runtime.loop.Augment;
import org.torchwork.runtime.loop.CallbackPlan;
import org.torchwork.runtime.loop.Live;
import org.torchwork.runtime.loop.TrainingLoop;
import org.torchwork.runtime.store.Checkpoints;
import org.torchwork.runtime.store.ModelFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configurable, trainable learner, like {@code lrn("classif.mlp", ...)} in mlr3torch.
 *
 * <p>Parameters are set with {@link #set(String, Object)}: the learner's own ({@code epochs},
 * {@code batch_size}, {@code neurons}, {@code opt.lr}, {@code loss}, ...), its loss's as
 * {@code loss.<param>} and its callbacks' as {@code cb.<id>.<param>}. Values are checked when set
 * where possible, and everything is checked again before training starts, so a bad value never
 * costs a training run.
 *
 * <pre>{@code
 * TorchLearner mlp = Torchwork.lrn("classif.mlp")
 *     .callbacks(Torchwork.clbk("history"))
 *     .set("epochs", 5).set("batch_size", 64).set("neurons", 20);
 * mlp.train(Torchwork.tsk("iris"));
 * Object history = mlp.model().callbacks().get("history");
 * }</pre>
 *
 * <p>A learner holds native memory once trained; close it when done.
 */
public final class TorchLearner implements Learner, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TorchLearner.class);

  private final Platform platform;
  private final LearnerSpec spec;
  private final ParamSet paramSet;
  private final Map<String, Object> values = new LinkedHashMap<>();
  /** The loss parameters set, by id without the {@code loss.} prefix. */
  private final Map<String, Object> lossValues = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> callbackValues = new LinkedHashMap<>();
  private final Map<String, String> configDefaults = new LinkedHashMap<>();
  private final List<TorchCallback> callbacks = new ArrayList<>();
  private PrintStream out = System.out;
  private TrainedModel model;

  TorchLearner(Platform platform, LearnerSpec spec) {
    this.platform = platform;
    this.spec = spec;
    this.paramSet = LearnerParams.COMMON.with(LearnerParams.losses(spec.taskType())).with(spec.params());
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public TaskType taskType() {
    return spec.taskType();
  }

  /**
   * Every parameter the learner takes: its own, then those of the losses for its task type as
   * {@code loss.<param>} (a run takes those of its {@code loss}), then each of its callbacks' as
   * {@code cb.<id>.<param>} with the callback's types, ranges and defaults, so that tuning and
   * resampling see one space.
   *
   * @return the parameter set
   */
  public ParamSet paramSet() {
    ParamSet all = paramSet.with(LossSettings.params(platform, spec.taskType()));
    for (TorchCallback cb : callbacks) {
      all = all.with(cb.paramSet().prefixed("cb." + cb.id() + "."));
    }
    return all;
  }

  /**
   * Sets a parameter: a learner parameter such as {@code epochs}, a parameter of a loss
   * {@code loss.<param>}, or a callback parameter {@code cb.<id>.<param>}. A loss parameter must
   * belong to the loss the run trains with, which is checked before training (it may be set before
   * {@code loss}); an unknown one is refused at once.
   *
   * @param key the parameter
   * @param value its value, as a Java object or a string; {@code null} unsets it
   * @return this learner
   * @throws TorchworkException when the parameter is unknown or the value not allowed
   */
  public TorchLearner set(String key, Object value) {
    Objects.requireNonNull(key, "key");
    if (key.startsWith("cb.")) {
      String rest = key.substring(3);
      int dot = rest.indexOf('.');
      if (dot <= 0 || dot == rest.length() - 1) {
        throw new TorchworkException(
            "Parameter '" + key + "' is not of the form cb.<callback id>.<parameter>, e.g. cb.custom_logger.alpha=0.05.");
      }
      String id = rest.substring(0, dot);
      String param = rest.substring(dot + 1);
      Map<String, Object> forCallback = callbackValues.computeIfAbsent(id, k -> new LinkedHashMap<>());
      if (value == null) {
        forCallback.remove(param);
        return this;
      }
      Optional<TorchCallback> cb = callbacks.stream().filter(c -> c.id().equals(id)).findFirst();
      if (cb.isPresent()) {
        Param p = cb.get().paramSet().find(param).orElseThrow(() -> cb.get().paramSet().unknown(param, "cb." + id + "."));
        forCallback.put(param, p.convert(value, key));
      } else {
        forCallback.put(param, value);
      }
      return this;
    }
    if (key.startsWith(LossSettings.PREFIX)) {
      String param = key.substring(LossSettings.PREFIX.length());
      if (value == null) {
        lossValues.remove(param);
      } else {
        lossValues.put(param, LossSettings.convert(platform, lossId(values), param, value));
      }
      return this;
    }
    Param p = paramSet.find(key).orElseThrow(() -> unknownParam(key));
    if (value == null) {
      values.remove(key);
      return this;
    }
    Object converted = p.convert(value, key);
    if (key.equals("loss")) {
      LossSettings.loss(platform, spec, converted.toString());
    } else if (key.equals("class_weight")) {
      converted = LossSettings.checkClassWeight(spec, converted.toString());
    }
    values.put(key, converted);
    return this;
  }

  /**
   * Sets several parameters, as {@link #set(String, Object)} does.
   *
   * @param settings parameter values by key
   * @return this learner
   */
  public TorchLearner set(Map<String, ?> settings) {
    settings.forEach(this::set);
    return this;
  }

  /**
   * Sets the engine and device the run's config file names; learner parameters, system
   * properties and the environment take precedence (see {@link BackendChoice}).
   *
   * @param engine the config file's engine, or null
   * @param device the config file's device, or null
   * @return this learner
   */
  public TorchLearner configDefaults(String engine, String device) {
    configDefaults.clear();
    if (engine != null) {
      configDefaults.put("engine", engine);
    }
    if (device != null) {
      configDefaults.put("device", device);
    }
    return this;
  }

  /**
   * Replaces the learner's callbacks.
   *
   * @param descriptors the callbacks, in the order to run ties in weight
   * @return this learner
   * @throws TorchworkException when an id appears twice
   */
  public TorchLearner callbacks(List<TorchCallback> descriptors) {
    Set<String> seen = new HashSet<>();
    for (TorchCallback cb : descriptors) {
      if (!seen.add(cb.id())) {
        throw new TorchworkException(
            "Callback '" + cb.id() + "' is given twice. Each callback may be used once per learner; remove the duplicate.");
      }
    }
    callbacks.clear();
    callbacks.addAll(descriptors);
    return this;
  }

  /**
   * Replaces the learner's callbacks.
   *
   * @param descriptors the callbacks
   * @return this learner
   */
  public TorchLearner callbacks(TorchCallback... descriptors) {
    return callbacks(List.of(descriptors));
  }

  /**
   * Replaces the learner's callbacks by id.
   *
   * @param ids callback ids, resolved in this learner's platform
   * @return this learner
   * @throws TorchworkException for an unknown id
   */
  public TorchLearner callbacks(String... ids) {
    List<TorchCallback> list = new ArrayList<>();
    for (String id : ids) {
      list.add(platform.callback(id));
    }
    return callbacks(list);
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.copyOf(callbacks);
  }

  /**
   * Sends callbacks' output to another stream (standard output by default).
   *
   * @param stream the stream
   * @return this learner
   */
  public TorchLearner out(PrintStream stream) {
    this.out = Objects.requireNonNull(stream, "stream");
    return this;
  }

  /**
   * The checked parameter values, defaults included.
   *
   * @return the values
   * @throws TorchworkException when a required parameter is missing
   */
  @Override
  public ParamValues params() {
    return resolve(values);
  }

  /** Checks learner parameter values, with the loss parameters set, against the loss they name. */
  private ParamValues resolve(Map<String, Object> given) {
    TorchLoss loss = LossSettings.loss(platform, spec, lossId(given));
    LossSettings.checkBelong(platform, spec, loss, lossValues);
    Map<String, Object> all = new LinkedHashMap<>(given);
    lossValues.forEach((param, value) -> all.put(LossSettings.PREFIX + param, value));
    return paramSet.with(loss.paramSet().prefixed(LossSettings.PREFIX)).resolve(all, "");
  }

  /** The id of the loss parameter values name, or the default. */
  private String lossId(Map<String, Object> given) {
    Object id = given.get("loss");
    return id != null ? id.toString() : paramSet.find("loss").orElseThrow().defaultValue().toString();
  }

  /**
   * Checks every setting against a task without training: learner and callback parameters (the
   * callbacks are created, so that their factories check theirs, then discarded), measure ids and
   * types, the validation split, the network's parameters, the checkpoint to resume from and the
   * engine and device. {@link #train(Task)} runs the same checks first.
   *
   * @param task the task to train on
   * @throws TorchworkException for the first problem found
   */
  public void validate(Task task) {
    prepare(task);
  }

  /**
   * Checks every setting against a task and separate validation data, without training.
   *
   * @param task the task to train on
   * @param valid the rows to validate on, with the task's columns and classes
   * @throws TorchworkException for the first problem found
   */
  public void validate(Task task, Task valid) {
    prepare(task, valid);
  }

  /**
   * Checks every setting and creates the run, without training yet: the caller may look at the
   * engine and device chosen (for example to show them) and then train.
   *
   * @param task the task to train on
   * @return the run, ready to train
   * @throws TorchworkException for the first problem found
   */
  public PreparedRun prepare(Task task) {
    return prepare(task, null);
  }

  /**
   * Checks every setting and creates a run that validates on separate data (instead of the
   * {@code validate} ratio), without training yet.
   *
   * @param task the task to train on
   * @param valid the rows to validate on, with the task's columns and classes; null for none
   * @return the run, ready to train
   * @throws TorchworkException for the first problem found
   */
  public PreparedRun prepare(Task task, Task valid) {
    Plan plan = plan(task, valid);
    return new PreparedRun(plan, backend(plan.params()));
  }

  /** A checked run of this learner on a task, ready to train. */
  public final class PreparedRun {
    private final Plan plan;
    private final BackendChoice backend;

    private PreparedRun(Plan plan, BackendChoice backend) {
      this.plan = plan;
      this.backend = backend;
    }

    /**
     * The checkpoint this run continues, as people read it.
     *
     * @return e.g. {@code checkpoint ckpt/checkpoint-3+5.zip (epoch 3 and 5 batches of epoch 4 done)}, or empty for
     *     a run that starts afresh
     * @since 0.2
     */
    public Optional<String> resuming() {
      return Optional.ofNullable(plan.resume()).map(Checkpoints::describe);
    }

    /**
     * The engine and device the run will use, and which setting chose each.
     *
     * @return the choice
     */
    public BackendChoice backend() {
      return backend;
    }

    /**
     * Trains; can be called once.
     *
     * @return the learner, now holding the trained model
     * @throws TorchworkException for a failing callback or engine
     */
    public TorchLearner train() {
      LOG.info("Training {} on task {}: {}", spec.id(), plan.data().train().id(), backend.describe());
      TorchLearner.this.close();
      TrainingData data = plan.data();
      TrainingLoop loop = new TrainingLoop(TorchLearner.this, out, spec, plan.params(), plan.loss(), plan.lossValues(),
          plan.callbacks(), data, plan.measuresTrain(), plan.measuresValid(), backend, plan.seed(), plan.resume(), plan.init());
      TrainingLoop.Outcome outcome = Interrupts.during(loop::run);
      model = new TrainedModel(outcome.model(), SavedModels.meta(spec, platform.pluginProviding("learner", spec.id()), data.train(),
          data.preprocessing(), plan.idColumn(), plan.params().asMap(), plan.callbackParams(), data.standardization(), backend,
          plan.seed(), outcome.epochs(), outcome.states(), outcome.end()), backend, null, outcome.tensors());
      model.feed = outcome.feed();
      return TorchLearner.this;
    }
  }

  /** Everything a run needs, checked. Creates the callbacks. */
  private record Plan(
      ParamValues params,
      TorchLoss loss,
      ParamValues lossValues,
      List<Live> callbacks,
      Map<String, Map<String, Object>> callbackParams,
      List<Measure> measuresTrain,
      List<Measure> measuresValid,
      Checkpoints.Loaded resume,
      ModelFiles.Saved init,
      int seed,
      TrainingData data,
      String idColumn) {}

  /** How the learner's network takes categorical features. */
  private String categories() {
    return spec.categories() == LearnerSpec.Categories.INDICES ? Preprocessing.INDICES : Preprocessing.ONE_HOT;
  }

  private Plan plan(Task task, Task validation) {
    Objects.requireNonNull(task, "task");
    Tasks.requireTarget(task, "Task");
    if (task.type() != spec.taskType()) {
      throw new TorchworkException(
          "Learner '" + spec.id() + "' is for " + spec.taskType() + " tasks, but task '" + task.id() + "' is a "
              + task.type() + " task. Use a " + task.type() + ".* learner, e.g. " + task.type() + ".mlp.");
    }
    Object from = values.get("resume");
    Checkpoints.Loaded resume = from == null ? null : CallbackPlan.resume(from.toString(), callbacks, callbackValues);
    // A resumed run continues from the checkpoint's weights and standardization, not init_from's.
    ModelFiles.Saved init = values.containsKey("init_from") && resume == null
        ? ModelFiles.read(Path.of(values.get("init_from").toString())) : null;
    ParamValues p = init == null ? params() : resolve(SavedModels.withNetworkOf(init, values, paramSet, spec));
    TorchLoss loss = LossSettings.loss(platform, spec, p.getString("loss"));
    ParamValues lossValues = LossSettings.values(loss, p);
    boolean validates = validation != null || (p.has("validate") && p.getDouble("validate") > 0);
    List<CallbackPlan.Resolved> live = CallbackPlan.resolve(callbacks, callbackValues, p, platform.callbacks().ids(), validates);
    List<Measure> measuresTrain = platform.measures(p.getList("measures_train", String.class), spec, "measures_train");
    List<Measure> measuresValid = platform.measures(p.getList("measures_valid", String.class), spec, "measures_valid");
    if (resume != null) {
      Checkpoints.checkFits(resume, spec.id(), task, CallbackPlan.ids(callbacks, p), p, values.keySet(), "auto".equals(from));
    }
    if (init != null) {
      ModelFiles.checkFineTune(init, spec.id(), task, p.getBoolean("standardize"));
    }
    int seed = resume != null ? resume.meta().seed() : p.has("seed") ? p.getInt("seed") : new Random().nextInt(Integer.MAX_VALUE);
    if (!validates && !measuresValid.isEmpty()) {
      throw new TorchworkException(
          "measures_valid is set but the learner has no validation data. Set validate=<ratio>, e.g. validate=0.3, give"
              + " validation data (--valid FILE), or remove measures_valid.");
    }
    Standardization inherited = resume != null ? resume.meta().standardization()
        : init != null ? init.meta().standardization() : null;
    Preprocessing preprocessing = resume != null ? resume.meta().preprocessing() : init != null ? init.meta().preprocessing() : null;
    TrainingData data = LossSettings.weigh(TrainingData.prepare(task, validation, p, seed, categories(), preprocessing, inherited), p);
    // Building the network (not initializing it) checks its parameters, e.g. layers against neurons.
    NetworkShape shape = data.shape(spec.taskType() == TaskType.CLASSIF ? task.classes().size() : 1);
    spec.network().create(shape, p);
    Augment.of(p, data.train().rowShape());
    Limits.checkNetwork(spec.id(), spec.network().parameterCount(shape, p), Limits.machineMemory());
    Limits.checkBatch(p.getInt("batch_size"), task.nrow(), shape.inputs());
    Map<String, Map<String, Object>> callbackParams = new LinkedHashMap<>();
    live.forEach(r -> callbackParams.put(r.descriptor().id(), r.values().asMap()));
    data.unseen().forEach((feature, levels) -> LOG.warn("Validation rows hold levels of feature '{}' that the training rows do not"
        + " have, taken as missing: {}", feature, levels));
    return new Plan(p, loss, lossValues, CallbackPlan.generate(live, platform.classes()), callbackParams, measuresTrain,
        measuresValid, resume, init, seed, data, task.idColumn().orElse(null));
  }

  /**
   * Trains on a task. Every setting is checked first ({@link #validate(Task)}); then the loop
   * runs every stage for every callback, and the model keeps each callback's non-null state.
   *
   * @param task the task; its type must match the learner's
   * @return this learner
   * @throws TorchworkException for bad settings, a failing callback or engine
   */
  public TorchLearner train(Task task) {
    return prepare(task).train();
  }

  /**
   * Trains on a task, validating on separate data (instead of the {@code validate} ratio).
   *
   * @param task the task to train on
   * @param valid the rows to validate on, with the task's columns and classes
   * @return this learner
   * @throws TorchworkException for bad settings, a failing callback or engine
   */
  public TorchLearner train(Task task, Task valid) {
    return prepare(task, valid).train();
  }

  /**
   * Which callbacks would run in each stage, in order, with weights: the learner's callbacks plus
   * early stopping when {@code patience} is set.
   *
   * @return the schedule
   */
  public Schedule schedule() {
    return Schedule.of(CallbackPlan.withEarlyStopping(callbacks, paramSet.resolve(withDefaultsForSchedule(), "")));
  }

  private Map<String, Object> withDefaultsForSchedule() {
    Map<String, Object> v = new LinkedHashMap<>(values);
    v.putIfAbsent("epochs", 1);
    v.putIfAbsent("batch_size", 1);
    return v;
  }

  /**
   * The engine and device training would use now, and which setting chose each; loads the
   * engine's natives if needed.
   *
   * @return the choice
   * @throws TorchworkException when the engine is unknown or cannot load, or the device is not
   *     available
   */
  public BackendChoice backend() {
    // Only engine and device choose it: a required parameter still unset does not matter here.
    return BackendChoice.resolve(platform.backends(), Optional.ofNullable(values.get("engine")).map(Object::toString),
        Optional.ofNullable(values.get("device")).map(Object::toString), configDefaults, System::getenv);
  }

  private BackendChoice backend(ParamValues p) {
    return BackendChoice.resolve(
        platform.backends(), p.find("engine").map(Object::toString), p.find("device").map(Object::toString), configDefaults, System::getenv);
  }

  /**
   * Predicts a task with the trained model ({@link TrainedModel#predict(Task, int)}, with the
   * learner's {@code batch_size}).
   *
   * @param task a task with the features trained on (matched by name); with or without a target
   * @return the prediction, with the task's truth when it has a target
   * @throws TorchworkException when the learner is not trained or the features differ
   */
  public Prediction predict(Task task) {
    return model().predict(task, params().getInt("batch_size"));
  }

  /**
   * The trained model.
   *
   * @return the model
   * @throws IllegalStateException when the learner has not been trained
   */
  public TrainedModel model() {
    if (model == null) {
      throw new IllegalStateException("Learner '" + spec.id() + "' has not been trained yet. Call train(task) first.");
    }
    return model;
  }

  /** Releases the trained model's native memory; the learner can be trained again. */
  @Override
  public void close() {
    if (model != null) {
      model.close();
      model = null;
    }
  }

  private TorchworkException unknownParam(String key) {
    String message = paramSet.unknown(key, "").getMessage();
    return new TorchworkException(
        message.replace(": it has no parameter", ": learner '" + spec.id() + "' has no parameter")
            + " Callback parameters are set as cb.<callback id>.<parameter>.");
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("<Learner:").append(spec.id()).append("> ").append(spec.label()).append('\n');
    Map<String, Object> set = new LinkedHashMap<>(values);
    lossValues.forEach((param, value) -> set.put(LossSettings.PREFIX + param, value));
    sb.append("* Parameters: ").append(set.isEmpty() ? "(none set)" : set.entrySet().stream()
        .map(e -> e.getKey() + "=" + Param.format(e.getValue())).collect(Collectors.joining(", "))).append('\n');
    sb.append("* Callbacks: ").append(callbacks.isEmpty() ? "(none)" : String.join(", ", callbacks.stream().map(TorchCallback::id).toList()));
    return sb.toString();
  }
}
