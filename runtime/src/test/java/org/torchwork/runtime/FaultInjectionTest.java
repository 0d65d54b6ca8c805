package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TrainingInterrupted;

/**
 * Faults injected into a real run: an exception and each kind of {@link Error} thrown in each of
 * the twelve stages, states that cannot be saved, and an interrupt. Each ends with the callback
 * and the stage named, the cause kept, and every callback's on_exit run and seeing the failure.
 */
class FaultInjectionTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
    Interrupts.clear();
  }

  /** Throws in one stage. */
  static final class Thrower extends CallbackSet {
    static Stage at;
    static Supplier<Throwable> what;

    private void maybe(Context ctx) {
      if (ctx.stage() == at) {
        Throwable t = what.get();
        if (t instanceof Error) {
          throw (Error) t;
        }
        throw (RuntimeException) t;
      }
    }

    @Override public void onBegin(Context ctx) { maybe(ctx); }
    @Override public void onEpochBegin(Context ctx) { maybe(ctx); }
    @Override public void onBatchBegin(Context ctx) { maybe(ctx); }
    @Override public void onAfterBackward(Context ctx) { maybe(ctx); }
    @Override public void onBatchEnd(Context ctx) { maybe(ctx); }
    @Override public void onBeforeValid(Context ctx) { maybe(ctx); }
    @Override public void onBatchValidBegin(Context ctx) { maybe(ctx); }
    @Override public void onBatchValidEnd(Context ctx) { maybe(ctx); }
    @Override public void onValidEnd(Context ctx) { maybe(ctx); }
    @Override public void onEpochEnd(Context ctx) { maybe(ctx); }
    @Override public void onEnd(Context ctx) { maybe(ctx); }
    @Override public void onExit(Context ctx) { maybe(ctx); }
  }

  /** Notes what on_exit saw. */
  static final class Witness extends CallbackSet {
    static final List<String> SEEN = new ArrayList<>();

    @Override
    public void onExit(Context ctx) {
      SEEN.add(ctx.failure().map(f -> f.getClass().getSimpleName()).orElse("none"));
    }
  }

  static Stream<Arguments> faults() {
    List<Arguments> all = new ArrayList<>();
    Map<String, Supplier<Throwable>> kinds = Map.of(
        "IllegalStateException", () -> new IllegalStateException("boom"),
        "StackOverflowError", FaultInjectionTest::overflow,
        "OutOfMemoryError", () -> new OutOfMemoryError("Java heap space"),
        "InternalError", () -> new InternalError("internal"));
    for (Stage stage : Stage.values()) {
      kinds.keySet().stream().sorted().forEach(kind -> all.add(Arguments.of(stage, kind, kinds.get(kind))));
    }
    return all.stream();
  }

  private static Throwable overflow() {
    try {
      return recurse(0) > 0 ? null : null;
    } catch (StackOverflowError e) {
      return e;
    }
  }

  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("faults")
  void anyThrowableInAnyStageNamesTheCallbackAndStageAndEveryOnExitRuns(Stage stage, String kind, Supplier<Throwable> what) {
    Thrower.at = stage;
    Thrower.what = what;
    Witness.SEEN.clear();
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 1).set("batch_size", 64).set("validate", 0.2)
        .callbacks(TorchCallback.of("thrower", Thrower.class, Thrower::new), TorchCallback.of("witness", Witness.class, Witness::new));
    learners.add(l);
    CallbackException e = assertThrows(CallbackException.class, () -> l.train(IRIS));
    assertEquals("thrower", e.callbackId());
    assertEquals(stage, e.stage());
    assertEquals(kind, e.getCause().getClass().getSimpleName(), "the cause keeps its type");
    assertTrue(e.getMessage().startsWith("Callback 'thrower' failed in " + stage.id() + ": java.lang." + kind), e.getMessage());
    assertEquals(List.of(stage == Stage.ON_EXIT ? "none" : "CallbackException"), Witness.SEEN,
        "the other callback's on_exit ran and saw the failure");
  }

  /** Keeps a state that cannot be saved. */
  static final class BadState extends CallbackSet {
    static Supplier<Object> state;

    @Override
    public Object stateDict() {
      return state.get();
    }
  }

  enum Hostile {
    CYCLIC(() -> {
      Map<String, Object> a = new HashMap<>();
      a.put("self", a);
      return a;
    }, "state.self is the list or map that contains it: the state is cyclic"),
    DEEP(() -> {
      Object deep = "bottom";
      for (int i = 0; i < 100_000; i++) {
        deep = List.of(deep);
      }
      return deep;
    }, "is nested more than 100 lists or maps deep"),
    NULL_KEY(() -> {
      Map<String, Object> m = new HashMap<>();
      m.put(null, 1);
      return m;
    }, "state is a map with a null key"),
    BIG_INTEGER(() -> Map.of("count", new BigInteger("123456789012345678901234567890")),
        "state.count is a BigInteger (123456789012345678901234567890), which would come back rounded to a double"),
    THROWS(() -> {
      throw new StackOverflowError();
    }, "its stateDict() failed: java.lang.StackOverflowError");

    final Supplier<Object> state;
    final String problem;

    Hostile(Supplier<Object> state, String problem) {
      this.state = state;
      this.problem = problem;
    }
  }

  @ParameterizedTest
  @EnumSource(Hostile.class)
  void aStateThatCannotBeSavedIsRefusedNamingTheCallbackAndStage(Hostile hostile) {
    BadState.state = hostile.state;
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 1).set("batch_size", 64)
        .callbacks(TorchCallback.of("bad", BadState.class, BadState::new));
    learners.add(l);
    CallbackException e = assertThrows(CallbackException.class, () -> l.train(IRIS));
    assertEquals("bad", e.callbackId());
    assertEquals(Stage.ON_END, e.stage());
    assertTrue(e.getMessage().startsWith("Callback 'bad' failed in on_end: its stateDict() "), e.getMessage());
    assertTrue(e.getMessage().contains(hostile.problem), e.getMessage());
  }

  /** Asks the run to stop in a given stage, as a signal handler would. */
  static final class Asker extends CallbackSet {
    @Override
    public void onBatchEnd(Context ctx) {
      if (ctx.globalStep() == 2) {
        Interrupts.request("SIGTERM");
      }
    }
  }

  @Test
  void anInterruptStopsAfterTheBatchAndOnExitSeesIt() {
    Witness.SEEN.clear();
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 64)
        .callbacks(TorchCallback.of("asker", Asker.class, Asker::new), TorchCallback.of("witness", Witness.class, Witness::new));
    learners.add(l);
    TrainingInterrupted e = assertThrows(TrainingInterrupted.class, () -> l.train(IRIS));
    assertEquals("SIGTERM", e.signal());
    assertEquals(1, e.epoch());
    assertEquals(2, e.step());
    assertTrue(e.checkpoint().isEmpty());
    assertEquals(List.of("TrainingInterrupted"), Witness.SEEN);
    // The next run is not stopped by a request made for this one.
    TorchLearner next = PLATFORM.learner("classif.mlp").set("epochs", 1).set("batch_size", 64);
    learners.add(next);
    assertEquals(1, next.train(IRIS).model().epochs());
  }
}
