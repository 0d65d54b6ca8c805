package org.torchwork.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.TrainedModel;

/**
 * Runs a callback, or a learner, through a short real training run — a real engine, a real
 * task — and hands back what happened: the stages the callback saw, what it printed, its state.
 *
 * <pre>{@code
 * TestKit.Result r = TestKit.callback(CustomLoggerProvider.CUSTOM_LOGGER).set("alpha", 0.05).run();
 * assertEquals(List.of("Epoch 1: 1.17", "Epoch 2: 1.12"), r.lines());
 * assertEquals(6, r.count(Stage.ON_BATCH_END));
 * assertEquals(r.state(), ...);
 * }</pre>
 *
 * <p>Defaults: task {@code iris}, learner {@code classif.mlp}, 2 epochs, batch size 50 (3
 * batches per epoch), 8 neurons, seed 1, engine and device {@code auto}. An engine module (such
 * as {@code torchwork-engine-pytorch}) must be on the test class path.
 */
public final class TestKit {
  private static final String RECORDER = "testkit_stage_recorder";

  private final TorchCallback callback;
  private String learner = "classif.mlp";
  private Task task;
  private String taskId = "iris";
  private final Map<String, Object> callbackParams = new LinkedHashMap<>();
  private final Map<String, Object> learnerParams = new LinkedHashMap<>();
  private final List<TorchCallback> others = new ArrayList<>();
  private Platform platform;

  private TestKit(TorchCallback callback) {
    this.callback = callback;
    learnerParams.put("epochs", 2);
    learnerParams.put("batch_size", 50);
    learnerParams.put("neurons", 8);
    learnerParams.put("seed", 1);
  }

  /**
   * Tests a callback.
   *
   * @param callback the callback's descriptor; it need not be registered anywhere
   * @return a test kit
   */
  public static TestKit callback(TorchCallback callback) {
    return new TestKit(Objects.requireNonNull(callback, "callback"));
  }

  /**
   * Tests a learner, found by id (on the test class path, through its provider).
   *
   * @param id the learner's id
   * @return a test kit
   */
  public static TestKit learner(String id) {
    TestKit kit = new TestKit(null);
    kit.learner = id;
    kit.learnerParams.remove("neurons");
    return kit;
  }

  /**
   * Sets a parameter of the callback under test ({@code alpha} for {@code cb.<id>.alpha}).
   *
   * @param param the parameter id
   * @param value its value
   * @return this kit
   */
  public TestKit set(String param, Object value) {
    if (callback == null) {
      throw new IllegalStateException("set(...) sets the tested callback's parameters; use param(...) for the learner's.");
    }
    callbackParams.put(param, value);
    return this;
  }

  /**
   * Sets a learner parameter ({@code epochs}, {@code validate}, {@code engine}, ...); {@code null}
   * removes a default.
   *
   * @param key the parameter
   * @param value its value, or null
   * @return this kit
   */
  public TestKit param(String key, Object value) {
    if (value == null) {
      learnerParams.remove(key);
    } else {
      learnerParams.put(key, value);
    }
    return this;
  }

  /**
   * Trains on another built-in task, by id.
   *
   * @param id the task id
   * @return this kit
   */
  public TestKit task(String id) {
    this.taskId = id;
    this.task = null;
    return this;
  }

  /**
   * Trains on a task of your own.
   *
   * @param task the task
   * @return this kit
   */
  public TestKit task(Task task) {
    this.task = task;
    return this;
  }

  /**
   * Uses another learner for a callback's run. The kit's default of 8 neurons is kept for the
   * MLPs ({@code *.mlp}) only; other learners train with their own defaults.
   *
   * @param id the learner id
   * @return this kit
   */
  public TestKit withLearner(String id) {
    this.learner = id;
    if (!id.endsWith(".mlp") && Integer.valueOf(8).equals(learnerParams.get("neurons"))) {
      learnerParams.remove("neurons");
    }
    return this;
  }

  /**
   * Adds another callback to the run, after the one under test.
   *
   * @param other the callback
   * @return this kit
   */
  public TestKit with(TorchCallback other) {
    others.add(other);
    return this;
  }

  /**
   * Uses a platform of your own instead of one discovered from the class path.
   *
   * @param platform the platform
   * @return this kit
   */
  public TestKit platform(Platform platform) {
    this.platform = platform;
    return this;
  }

  /**
   * Trains. A bad setting or a failing run is not thrown: see {@link Result#failure()}.
   *
   * @return what happened
   */
  public Result run() {
    Platform p = platform != null ? platform : Platform.builder().build();
    List<Stage> all = new ArrayList<>();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<TorchCallback> callbacks = new ArrayList<>();
    if (callback != null) {
      // Just before the callback under test, with its weight: a stage in which it throws is recorded too.
      callbacks.add(TorchCallback.builder(RECORDER, StageRecorder.class).weight(callback.weight())
          .build(values -> new StageRecorder(all)));
      callbacks.add(callback);
    }
    callbacks.addAll(others);
    TorchLearner l = p.learner(learner);
    l.callbacks(callbacks);
    l.out(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Throwable failure = null;
    try {
      learnerParams.forEach(l::set);
      if (callback != null) {
        callbackParams.forEach((k, v) -> l.set("cb." + callback.id() + "." + k, v));
      }
      l.train(task != null ? task : p.task(taskId));
    } catch (TorchworkException e) {
      failure = e;
    }
    Set<Stage> implemented = callback == null ? Set.of() : callback.stages();
    List<Stage> seen = all.stream().filter(implemented::contains).toList();
    return new Result(l, seen, bytes.toString(StandardCharsets.UTF_8), failure, callback == null ? null : callback.id());
  }

  /** What a test run did. Close it to release the trained model's native memory. */
  public static final class Result implements AutoCloseable {
    private final TorchLearner learner;
    private final List<Stage> stages;
    private final String output;
    private final Throwable failure;
    private final String callbackId;

    private Result(TorchLearner learner, List<Stage> stages, String output, Throwable failure, String callbackId) {
      this.learner = learner;
      this.stages = Collections.unmodifiableList(stages);
      this.output = output;
      this.failure = failure;
      this.callbackId = callbackId;
    }

    /**
     * The stages the callback under test ran in, in order, one entry per call; the stage in which
     * it threw, if it did, is the last before {@code on_exit}.
     *
     * @return the stages
     */
    public List<Stage> stages() {
      return stages;
    }

    /**
     * How many times the callback under test ran in a stage.
     *
     * @param stage the stage
     * @return the count
     */
    public long count(Stage stage) {
      return stages.stream().filter(s -> s == stage).count();
    }

    /**
     * Everything the run's callbacks printed to {@link Context#out()}.
     *
     * @return the output
     */
    public String output() {
      return output;
    }

    /**
     * The printed output, line by line.
     *
     * @return the lines
     */
    public List<String> lines() {
      return output.lines().toList();
    }

    /**
     * The callback under test's final state, as kept in the model.
     *
     * @return the state, or null when it kept none or the run failed
     */
    public Object state() {
      return failure != null || callbackId == null ? null : learner.model().callbacks().get(callbackId);
    }

    /**
     * The trained model.
     *
     * @return the model
     * @throws IllegalStateException when the run failed
     */
    public TrainedModel model() {
      return learner.model();
    }

    /**
     * The trained learner, e.g. to predict.
     *
     * @return the learner
     */
    public TorchLearner learner() {
      return learner;
    }

    /**
     * Why the run failed.
     *
     * @return the failure, or empty after a successful run
     */
    public Optional<Throwable> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * Checks that the callback's state survives what a checkpoint or a saved model does to it:
     * the trained model is saved and loaded back, a fresh instance of the callback takes the
     * loaded state ({@code loadStateDict}) and gives it back ({@code stateDict}), unchanged.
     *
     * @param descriptor the callback under test
     * @param params the callback's parameters, to create the fresh instance
     * @return the state, as loaded back
     * @throws AssertionError naming what changed on the way
     */
    Object stateRoundTrip(TorchCallback descriptor, Map<String, Object> params) {
      if (failure != null) {
        throw new AssertionError("The run failed, so there is no state to round-trip: " + failure.getMessage(), failure);
      }
      Object kept = state();
      try {
        Path dir = Files.createTempDirectory("testkit-model-").resolve("model");
        learner.model().save(dir, false);
        Object loaded;
        try (TrainedModel back = TrainedModel.load(dir)) {
          loaded = back.callbacks().get(callbackId);
        } finally {
          deleteTree(dir.getParent());
        }
        if (!Objects.equals(normal(kept), normal(loaded))) {
          throw new AssertionError("Callback '" + callbackId + "': its state changed when saved and loaded back: " + kept
              + " became " + loaded + ". stateDict() must return plain data (Boolean, Long, Double, String, List, Map).");
        }
        CallbackSet fresh = descriptor.generate(descriptor.resolve(params));
        if (loaded != null) {
          fresh.loadStateDict(loaded);
        }
        Object again = fresh.stateDict();
        if (!Objects.equals(normal(loaded), normal(again))) {
          throw new AssertionError("Callback '" + callbackId + "': a fresh instance given the state " + loaded + " with"
              + " loadStateDict() gives back " + again + " from stateDict(). A resumed run would not continue where this one"
              + " stopped: make loadStateDict() restore everything stateDict() returns.");
        }
        return loaded;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      learner.close();
    }
  }

  /** A state with its numbers as Long or Double, so that 6 and 6L (as JSON gives them back) compare equal. */
  private static Object normal(Object v) {
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) ((Number) v).longValue() : (Object) d;
    }
    if (v instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(k, normal(x)));
      return out;
    }
    if (v instanceof List) {
      return ((List<?>) v).stream().map(TestKit::normal).toList();
    }
    return v;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Trains, then checks that the callback's state survives a save and a load, and that a fresh
   * instance given it with {@code loadStateDict} gives it back from {@code stateDict}: what a
   * checkpoint and a resumed run rely on.
   *
   * @return the state, as loaded back
   * @throws AssertionError naming what changed
   */
  public Object assertStateRoundTrip() {
    try (Result r = run()) {
      return r.stateRoundTrip(callback, callbackParams);
    }
  }

  /** A run of {@link #certify} that failed while training (not for its settings). */
  public static final class RunFailed extends TorchworkException {
    private static final long serialVersionUID = 1L;

    RunFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Certifies that the callback resumes exactly: trains a short run straight through, the same
   * run split at every epoch (stopped after each epoch and resumed from a checkpoint), and the
   * same run interrupted in the middle of every epoch (saved in {@code on_exit}, as Ctrl-C does)
   * and resumed, with this kit's parameters, and compares, bit for bit, the network's weights, the history (when
   * the {@code history} callback is installed), the callback's state and its tensors. Path
   * parameters of the callback get a folder of each run's own; clock readings in the state of a
   * callback that {@link TorchCallback#measuresTime() measures time} are not compared.
   *
   * @param epochs the epochs of each run, 2 or more
   * @return the certificate, naming the first difference if there is one
   * @throws TorchworkException for settings a run refuses, as training would
   * @throws RunFailed when a run fails while training, for another reason than the planned stops
   * @throws org.torchwork.api.TrainingInterrupted when the user stops it ({@link
   *     org.torchwork.runtime.Interrupts}); its own interrupts reach every run of this JVM, so do
   *     not certify while other training runs in the same process
   */
  public Certificate certify(int epochs) {
    if (callback == null || epochs < 2) {
      throw new IllegalArgumentException(callback == null ? "certify() certifies a callback: use TestKit.callback(...)."
          : "certify(" + epochs + "): a run split at every epoch needs 2 epochs or more.");
    }
    Platform p = platform != null ? platform : Platform.builder().build();
    return new Certify(p, learner, task != null ? task : p.task(taskId), callback, callbackParams, learnerParams, others, epochs)
        .run();
  }

  /**
   * {@link #certify(int)} with 3 epochs, as an assertion.
   *
   * @return the certificate
   * @throws AssertionError naming the first difference
   */
  public Certificate assertCertified() {
    Certificate c = certify(3);
    if (!c.passed()) {
      throw new AssertionError(c.toString());
    }
    return c;
  }

  /**
   * Checks that a callback is found by id the way Torchwork finds it: through
   * {@link java.util.ServiceLoader}, from a {@code provides ... CallbackProvider} in
   * {@code module-info.java} or a {@code META-INF/services} file.
   *
   * @param id the callback's id
   * @return the descriptor found
   * @throws AssertionError naming what is missing
   */
  public static TorchCallback assertDiscoverable(String id) {
    Platform platform = Platform.builder().build();
    if (!platform.callbacks().ids().contains(id)) {
      throw new AssertionError("Callback '" + id + "' is not found through ServiceLoader; found: " + platform.callbacks().ids()
          + ". Declare its provider: 'provides org.torchwork.api.spi.CallbackProvider with ...;' in module-info.java, or a"
          + " line in META-INF/services/org.torchwork.api.spi.CallbackProvider for a plain jar.");
    }
    return platform.callback(id);
  }

  /** Records every stage of the run; the test kit keeps those the tested callback implements. */
  private static final class StageRecorder extends CallbackSet {
    private final List<Stage> stages;

    StageRecorder(List<Stage> stages) {
      this.stages = stages;
    }

    @Override public void onBegin(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onEpochBegin(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onBatchBegin(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onAfterBackward(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onBatchEnd(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onBeforeValid(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onBatchValidBegin(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onBatchValidEnd(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onValidEnd(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onEpochEnd(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onEnd(Context ctx) { stages.add(ctx.stage()); }
    @Override public void onExit(Context ctx) { stages.add(ctx.stage()); }
  }
}
