package org.torchwork.callbacks.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;
import org.torchwork.runtime.store.Checkpoints;

/** Which checkpoints stay (the last n, the k best by a monitor), saves by steps, and resume=auto. */
class RetentionTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;

  private static TorchLearner learner(int epochs) {
    return PLATFORM.learner("classif.mlp").set("epochs", epochs).set("batch_size", 32).set("neurons", 8).set("opt.lr", 0.01)
        .set("seed", 3).set("validate", 0.2).set("measures_valid", "classif.logloss");
  }

  private static Set<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> history(TorchLearner l) {
    return (List<Map<String, Object>>) l.model().callbacks().get("history");
  }

  @Test
  void keepsTheBestTwoByValidationLossAndTheLastThree() throws IOException {
    // The validation loss: the log loss of the validation rows, which the network's cross-entropy loss is.
    Path dir = tmp.resolve("ckpt");
    try (TorchLearner l = learner(8).callbacks(PLATFORM.callback("history"), PLATFORM.callback("checkpoint")
        .with("path", dir.toString()).with("keep_last", 3).with("save_top_k", 2).with("monitor", "valid.classif.logloss"))
        .train(IRIS)) {
      List<Map<String, Object>> rows = history(l);
      List<Integer> best = rows.stream().sorted(Comparator.comparingDouble(r -> (Double) r.get("valid.classif.logloss")))
          .limit(2).map(r -> (Integer) r.get("epoch")).toList();
      Set<String> expected = new TreeSet<>(List.of("checkpoint-6.zip", "checkpoint-7.zip", "checkpoint-8.zip"));
      best.forEach(e -> expected.add("checkpoint-" + e + ".zip"));
      assertEquals(expected, files(dir));
      // A kept best checkpoint holds its epoch's state, the monitored score included.
      int first = best.get(0);
      Checkpoints.Loaded c = Checkpoints.read(dir.resolve("checkpoint-" + first + ".zip"));
      assertEquals(first, c.meta().epoch());
      List<?> kept = (List<?>) ((Map<?, ?>) c.meta().callbacks().get("checkpoint")).get("kept");
      assertTrue(kept.stream().anyMatch(k -> ((Map<?, ?>) k).get("epoch").equals(first)
          && rows.get(first - 1).get("valid.classif.logloss").equals(((Map<?, ?>) k).get("score"))), kept.toString());
    }
  }

  @Test
  void savesEveryNStepsKeepingTheLatest() throws IOException {
    Path dir = tmp.resolve("steps");
    // 120 training rows in batches of 32: 4 batches per epoch, 8 in all.
    try (TorchLearner l = learner(2).callbacks(PLATFORM.callback("checkpoint").with("path", dir.toString())
        .with("freq", 5).with("every_n_steps", 3).with("keep_last", 2)).train(IRIS)) {
      // Global steps 3 (checkpoint-0+3) and 6 (epoch 2, batch 2: checkpoint-1+2), and the end: the latest two stay.
      assertEquals(Set.of("checkpoint-1+2.zip", "checkpoint-2.zip"), files(dir));
    }
  }

  @Test
  void savesEveryFewMinutesKeepingTheLatest() throws IOException {
    Path dir = tmp.resolve("minutes");
    // A minute's billionth has always passed after a batch: a save after every batch, of which the latest stays.
    try (TorchLearner l = learner(2).callbacks(PLATFORM.callback("checkpoint").with("path", dir.toString())
        .with("freq", 5).with("every_minutes", 1e-9).with("keep_last", 1)).train(IRIS)) {
      assertEquals(Set.of("checkpoint-2.zip"), files(dir));
      assertEquals(List.of(2), ((Map<?, ?>) l.model().callbacks().get("checkpoint")).get("saved"));
    }
  }

  /** Fails in the second batch of epoch 2. */
  public static final class FailsInEpochTwo extends CallbackSet {
    @Override
    public void onBatchEnd(Context ctx) {
      if (ctx.epoch() == 2 && ctx.step() == 2) {
        throw new IllegalStateException("out of disk");
      }
    }
  }

  @Test
  void onExceptionSavesWhereAFailedRunStopped() throws IOException {
    Path dir = tmp.resolve("failed");
    TorchCallback fails = TorchCallback.builder("fails", FailsInEpochTwo.class).build(p -> new FailsInEpochTwo());
    try (TorchLearner l = learner(3).callbacks(fails, PLATFORM.callback("checkpoint").with("path", dir.toString())
        .with("on_exception", true))) {
      assertThrows(TorchworkException.class, () -> l.train(IRIS));
    }
    assertEquals(Set.of("checkpoint-1.zip", "checkpoint-1+2.zip"), files(dir));
    assertEquals(2, Checkpoints.read(dir).meta().step());
  }

  /** Fails in epoch 2's second batch, before its update. */
  public static final class FailsBeforeTheUpdate extends CallbackSet {
    @Override
    public void onAfterBackward(Context ctx) {
      if (ctx.epoch() == 2 && ctx.step() == 2) {
        throw new IllegalStateException("out of memory");
      }
    }
  }

  @Test
  void aFailureInsideABatchLeavesNoCheckpointThatWouldLie() throws IOException {
    Path dir = tmp.resolve("inside");
    TorchCallback fails = TorchCallback.builder("fails", FailsBeforeTheUpdate.class).build(p -> new FailsBeforeTheUpdate());
    try (TorchLearner l = learner(3).callbacks(fails, PLATFORM.callback("checkpoint").with("path", dir.toString())
        .with("on_exception", true))) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      l.out(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
      assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
      assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("checkpoint: the run failed where it cannot be"
          + " saved (ctx.saveCheckpoint() is not allowed in on_exit after a failure where no checkpoint can resume from"), out
          .toString(java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("; the latest checkpoint is "
          + dir.resolve("checkpoint-1.zip") + "."), out.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(Set.of("checkpoint-1.zip"), files(dir));
  }

  @Test
  void aMonitorWithoutSaveTopKAndTheReverseAreRefusedBeforeTraining() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner(2).callbacks(PLATFORM.callback("checkpoint")
        .with("path", tmp.resolve("a").toString()).with("save_top_k", 2)).train(IRIS));
    assertTrue(e.getMessage().contains("cb.checkpoint.save_top_k=2 keeps the best checkpoints by a monitored quantity, but"
        + " cb.checkpoint.monitor is not set."), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner(2).callbacks(PLATFORM.callback("checkpoint")
        .with("path", tmp.resolve("b").toString()).with("save_top_k", 1).with("monitor", "valid.ce")).train(IRIS));
    assertTrue(e.getMessage().contains("Parameter 'cb.checkpoint.monitor' is 'valid.ce', which this run never produces. It"
        + " produces: train.loss, valid.classif.logloss, lr."), e.getMessage());
  }

  /** Fails at the end of epoch 2 the first time, when its marker file does not exist yet. */
  public static final class FailOnce extends CallbackSet {
    private final Path marker;

    FailOnce(Path marker) {
      this.marker = marker;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      if (ctx.epoch() == 2 && !Files.exists(marker)) {
        try {
          Files.createFile(marker);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the machine went away");
      }
    }
  }

  @Test
  void resumeAutoServesEveryAttemptOfOneCommand() throws IOException {
    Path dir = tmp.resolve("auto");
    Path marker = tmp.resolve("failed-once");
    TorchCallback failOnce = TorchCallback.builder("fail_once", FailOnce.class).build(p -> new FailOnce(marker));
    List<TorchCallback> callbacks = List.of(PLATFORM.callback("history"), failOnce,
        PLATFORM.callback("checkpoint").with("path", dir.toString()));

    // Attempt 1: a fresh start (no folder yet), which fails in epoch 2.
    try (TorchLearner first = learner(4).set("resume", "auto").callbacks(callbacks)) {
      TorchworkException e = assertThrows(TorchworkException.class, () -> first.train(IRIS));
      assertTrue(e.getMessage().contains("the machine went away"), e.getMessage());
    }
    assertEquals(Set.of("checkpoint-1.zip"), files(dir));

    // Attempt 2: resumes from epoch 1 and finishes like a run that never failed.
    List<Map<String, Object>> straight;
    try (TorchLearner uninterrupted = learner(4).callbacks(PLATFORM.callback("history")).train(IRIS)) {
      straight = history(uninterrupted);
    }
    List<Map<String, Object>> resumed;
    try (TorchLearner second = learner(4).set("resume", "auto").callbacks(callbacks)) {
      assertTrue(second.prepare(IRIS).resuming().orElseThrow().contains("checkpoint-1.zip (1 epoch(s) done)"));
      resumed = history(second.train(IRIS));
      assertEquals(straight, resumed);
      assertEquals("completed", second.model().end().orElseThrow().kind());
    }
    Set<String> after = files(dir);
    assertEquals(Set.of("checkpoint-1.zip", "checkpoint-2.zip", "checkpoint-3.zip", "checkpoint-4.zip"), after);

    // Attempt 3: the run is finished; it returns the finished model and trains nothing.
    try (TorchLearner third = learner(4).set("resume", "auto").callbacks(callbacks)) {
      assertTrue(third.prepare(IRIS).resuming().orElseThrow().contains("the finished run: 4 epoch(s), nothing left to train"));
      third.train(IRIS);
      assertEquals(4, third.model().epochs());
      assertEquals(resumed, history(third));
      assertEquals("completed", third.model().end().orElseThrow().kind());
    }
    assertEquals(after, files(dir));
  }

  @Test
  void resumeAutoNeedsACheckpointCallback() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner(2).set("resume", "auto").train(IRIS));
    assertEquals("resume=auto resumes from the checkpoint callback's folder, but the run has no checkpoint callback with a"
        + " path. Add one: --callbacks ...,checkpoint --set cb.checkpoint.path=DIR.", e.getMessage());
  }

}
