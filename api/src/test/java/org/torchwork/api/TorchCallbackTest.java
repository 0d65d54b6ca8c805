package org.torchwork.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TorchCallbackTest {
  static final class History extends CallbackSet {
    @Override
    public void onBeforeValid(Context ctx) {}

    @Override
    public void onEpochEnd(Context ctx) {}

    @Override
    public void onBegin(Context ctx) {}
  }

  static final class Logger extends CallbackSet {
    final double alpha;

    Logger(double alpha) {
      this.alpha = alpha;
    }

    @Override
    public void onBatchEnd(Context ctx) {}
  }

  static final class Typo extends CallbackSet {
    public void onEdn(Context ctx) {}

    public void onEnd() {}
  }

  private static final TorchCallback LOGGER =
      TorchCallback.builder("custom_logger", Logger.class)
          .param(Param.number("alpha").range(0, 1).defaultValue(0.1))
          .packages("example.logger@1.0")
          .build(p -> new Logger(p.getDouble("alpha")));

  @Test
  void printsLikeMlr3torch() {
    TorchCallback history = TorchCallback.of("history", History.class, History::new);
    assertEquals(
        "<TorchCallback:history> History\n* Generator: History\n* Parameters: (none)\n* Packages: " + history.packages().get(0),
        history.toString());
    assertEquals(
        "<TorchCallback:custom_logger> Custom logger\n* Generator: Logger\n* Parameters: alpha=0.1\n* Packages: example.logger@1.0",
        LOGGER.toString());
    assertEquals(
        "<TorchCallback:custom_logger> Custom logger\n* Generator: Logger\n* Parameters: alpha=0.05\n* Packages: example.logger@1.0",
        LOGGER.with("alpha", 0.05).toString());
  }

  @Test
  void generatesFreshInstancesFromValues() {
    CallbackSet a = LOGGER.generate();
    CallbackSet b = LOGGER.with("alpha", 0.5).generate();
    assertNotSame(a, LOGGER.generate());
    assertEquals(0.1, ((Logger) a).alpha);
    assertEquals(0.5, ((Logger) b).alpha);
    assertEquals(0.25, ((Logger) LOGGER.with("alpha", 0.5).generate(LOGGER.resolve(Map.of("alpha", "0.25")))).alpha);
  }

  @Test
  void stagesAreTheOverriddenMethods() {
    assertEquals(Set.of(Stage.ON_BEGIN, Stage.ON_BEFORE_VALID, Stage.ON_EPOCH_END), CallbackSet.stagesOf(History.class));
    assertEquals(List.of(Stage.ON_BEGIN, Stage.ON_BEFORE_VALID, Stage.ON_EPOCH_END), List.copyOf(CallbackSet.stagesOf(History.class)));
    assertEquals(Set.of(Stage.ON_BATCH_END), LOGGER.stages());
  }

  @Test
  void misspelledStageMethodsAreFound() {
    List<String> found = CallbackSet.suspiciousMethods(Typo.class);
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.stream().anyMatch(s -> s.endsWith("onEdn is not a stage method, so it never runs; did you mean onEnd(Context)?")), found.toString());
    assertTrue(found.stream().anyMatch(s -> s.endsWith("onEnd takes 0 parameter(s); a stage method must take exactly one Context, so it never runs")), found.toString());
    assertEquals(List.of(), CallbackSet.suspiciousMethods(History.class));
  }

  @Test
  void invalidDescriptorsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TorchCallback.of("Bad.Id", History.class, History::new));
    TorchworkException e = assertThrows(TorchworkException.class, () -> LOGGER.with("alpha", 2));
    assertEquals("Parameter 'cb.custom_logger.alpha': 2 is out of range. It must be a number in [0, 1], e.g. cb.custom_logger.alpha=0.1.", e.getMessage());
  }

  @Test
  void stageIdsAndMethodNames() {
    assertEquals(12, Stage.values().length);
    assertEquals("on_batch_valid_begin", Stage.ON_BATCH_VALID_BEGIN.id());
    assertEquals("onBatchValidBegin", Stage.ON_BATCH_VALID_BEGIN.methodName());
    assertEquals(Stage.ON_AFTER_BACKWARD, Stage.of("on_after_backward"));
    assertEquals(Stage.ON_AFTER_BACKWARD, Stage.of("onAfterBackward"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Stage.of("on_edn")).getMessage().startsWith("Unknown stage 'on_edn'. The stages are: on_begin,"));
  }
}
