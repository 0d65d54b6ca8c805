package org.torchwork.callbacks.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.runtime.Interrupts;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Train 6 epochs; train 3, stop, resume to 6: the same parameters and the same history, bit for
 * bit, on the CPU, with dropout, shuffling and validation in the run.
 */
class ResumeTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;

  /** A learner for one scenario; {@code extras} adds callbacks and learner parameters. */
  private TorchLearner learner(int epochs, Path dir, String engine, String optimizer, String extras) {
    List<TorchCallback> callbacks = new ArrayList<>(List.of(
        PLATFORM.callback("history"),
        PLATFORM.callback("lr_step").with("step_size", 2).with("gamma", 0.5)));
    TorchLearner l = PLATFORM.learner("classif.mlp")
        .set("epochs", epochs).set("batch_size", 32).set("neurons", List.of(16, 8)).set("dropout", 0.3)
        .set("optimizer", optimizer).set("opt.lr", 0.01).set("opt.momentum", 0.9).set("seed", 42).set("engine", engine)
        .set("validate", 0.2).set("measures_train", "classif.acc").set("measures_valid", "classif.ce");
    if (extras.contains("early")) {
      l.set("patience", 10).set("min_delta", 0.05).set("restore_best_weights", true);
    }
    if (extras.contains("csv")) {
      callbacks.add(PLATFORM.callback("csv_logger").with("path", dir.resolve("log.csv").toString()));
    }
    if (extras.contains("nodropout")) {
      // A network that draws no random numbers: the loop then seeds once, not per batch.
      l.set("dropout", 0);
    }
    if (extras.contains("devices")) {
      l.set("devices", 2);
    }
    if (extras.contains("standardize")) {
      l.set("standardize", true);
    }
    if (extras.contains("plateau")) {
      callbacks.add(PLATFORM.callback("lr_reduce_on_plateau").with("patience", 0).with("factor", 0.5));
    }
    callbacks.add(PLATFORM.callback("checkpoint").with("path", dir.toString()).with("freq", 1));
    return l.callbacks(callbacks);
  }

  private static List<float[]> weights(TorchLearner l) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "pytorch, adam, -",
    "pytorch, sgd, csv",
    "pytorch, adamw, early",
    "pytorch, adam, plateau",
    "pytorch, adam, standardize",
    "pytorch, adam, devices",
    "mxnet, adam, -"
  })
  void aResumedRunEndsExactlyLikeAnUninterruptedOne(String engine, String optimizer, String extras) throws IOException {
    List<float[]> straight;
    Map<String, Object> straightStates;
    try (TorchLearner full = learner(6, tmp.resolve("full"), engine, optimizer, extras).train(IRIS)) {
      straight = weights(full);
      straightStates = full.model().callbacks();
    }
    try (TorchLearner first = learner(3, tmp.resolve("parts"), engine, optimizer, extras).train(IRIS)) {
      assertEquals(3, first.model().epochs());
    }
    assertTrue(Files.isRegularFile(tmp.resolve("parts/checkpoint-3.zip")));
    try (TorchLearner rest = learner(6, tmp.resolve("parts"), engine, optimizer, extras)
        .set("resume", tmp.resolve("parts").toString()).train(IRIS)) {
      List<float[]> resumed = weights(rest);
      assertEquals(straight.size(), resumed.size());
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " differs");
      }
      for (String id : List.of("history", "lr_step", "early_stopping", "csv_logger", "lr_reduce_on_plateau")) {
        assertEquals(straightStates.get(id), rest.model().callbacks().get(id), id + "'s state differs");
      }
      assertEquals(6, rest.model().epochs());
      Map<?, ?> checkpoint = (Map<?, ?>) rest.model().callbacks().get("checkpoint");
      assertEquals(List.of(1, 2, 3, 4, 5, 6), checkpoint.get("saved"), "every epoch saved once, across the resume");
      assertEquals(tmp.resolve("parts/checkpoint-6.zip").toString(), checkpoint.get("last"));
    }
    if (extras.contains("csv")) {
      assertEquals(Files.readAllLines(tmp.resolve("full/log.csv")), Files.readAllLines(tmp.resolve("parts/log.csv")));
    }
  }

  @Test
  void lrStepHalvesTheRateAfterEverySecondEpoch() {
    try (TorchLearner l = learner(6, tmp, "pytorch", "adam", "-").train(IRIS)) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rows = (List<Map<String, Object>>) l.model().callbacks().get("history");
      assertEquals(List.of(0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025),
          rows.stream().map(r -> Math.round((Double) r.get("lr") * 1e6) / 1e6).toList());
    }
  }

  @Test
  void aCheckpointWithOtherCallbacksIsRefusedNamingTheDifference() {
    learner(2, tmp.resolve("a"), "pytorch", "adam", "-").train(IRIS).close();
    TorchLearner other = learner(4, tmp.resolve("b"), "pytorch", "adam", "csv").set("resume", tmp.resolve("a").toString());
    TorchworkException e = assertThrows(TorchworkException.class, () -> other.train(IRIS));
    assertEquals("Checkpoint " + tmp.resolve("a/checkpoint-2.zip") + " holds the state of callbacks [checkpoint, history,"
        + " lr_step], but this run has [checkpoint, csv_logger, history, lr_step]. Not in the checkpoint: [csv_logger]. Resume"
        + " with the same callbacks, so that no state is silently dropped or invented.", e.getMessage());
  }

  @Test
  void aCheckpointWithOtherSettingsIsRefusedNamingEachDifference() {
    learner(2, tmp.resolve("a"), "pytorch", "adam", "-").train(IRIS).close();
    TorchLearner other = learner(4, tmp.resolve("a"), "pytorch", "sgd", "-").set("opt.lr", 0.02).set("resume", tmp.resolve("a").toString());
    TorchworkException e = assertThrows(TorchworkException.class, () -> other.train(IRIS));
    assertEquals("Checkpoint " + tmp.resolve("a/checkpoint-2.zip") + " was trained with other settings: opt.lr was 0.01, is"
        + " 0.02; optimizer was adam, is sgd. A resumed run must keep every learner parameter but device, devices, engine, epochs,"
        + " resume, seed; set them as the checkpoint has them, or start a new run: set cb.checkpoint.fresh=true (which"
        + " deletes this run's checkpoints) or give cb.checkpoint.path another folder.", e.getMessage());
    TorchLearner done = learner(2, tmp.resolve("a"), "pytorch", "adam", "-").set("resume", tmp.resolve("a").toString());
    assertEquals("Checkpoint " + tmp.resolve("a/checkpoint-2.zip") + " is at epoch 2, so epochs=2 leaves nothing to train."
        + " Set epochs above 2.", assertThrows(TorchworkException.class, () -> done.train(IRIS)).getMessage());
  }

  /** Tries to save in the middle of a batch. */
  static final class MidBatchSave extends CallbackSet {
    static Path dir;

    @Override
    public void onAfterBackward(Context ctx) {
      ctx.saveCheckpoint(dir);
    }
  }

  @Test
  void aSaveInTheMiddleOfABatchIsRefused() {
    MidBatchSave.dir = tmp;
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 1).set("batch_size", 32)
        .callbacks(TorchCallback.of("mid", MidBatchSave.class, MidBatchSave::new));
    CallbackException e = assertThrows(CallbackException.class, () -> l.train(IRIS));
    assertTrue(e.getMessage().contains("ctx.saveCheckpoint() is not allowed in on_after_backward; it is allowed in on_begin,"
        + " on_batch_end, on_epoch_end, on_end, and on_exit of a run that ended, was interrupted, or failed between batches,"
        + " where the run can be resumed from."), e.getMessage());
  }

  /** Interrupts the run after a given global step, as Ctrl-C would. */
  static final class Interrupter extends CallbackSet {
    static int at = -1;
    static boolean atBegin;

    @Override
    public void onBegin(Context ctx) {
      if (atBegin) {
        Interrupts.request("SIGINT");
      }
    }

    @Override
    public void onBatchEnd(Context ctx) {
      if (ctx.globalStep() == at) {
        Interrupts.request("SIGINT");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "pytorch, adam, csv",
    "pytorch, sgd, early",
    "pytorch, sgd, -",
    "pytorch, adam, early",
    "pytorch, adam, nodropout",
    "mxnet, adam, csv",
    "mxnet, adamw, nodropout",
    "mxnet, adam, devices"
  })
  void aRunInterruptedAfterABatchResumesFromThatBatchExactly(String engine, String optimizer, String extras) {
    List<float[]> straight;
    Map<String, Object> straightStates;
    Interrupter.at = -1;
    try (TorchLearner full = interruptible(learner(4, tmp.resolve("full"), engine, optimizer, extras)).train(IRIS)) {
      straight = weights(full);
      straightStates = full.model().callbacks();
    }
    // 120 training rows in batches of 32: 4 batches per epoch; stop after batch 2 of epoch 3.
    Interrupter.at = 10;
    TorchLearner first = interruptible(learner(4, tmp.resolve("parts"), engine, optimizer, extras));
    TrainingInterrupted stop = assertThrows(TrainingInterrupted.class, () -> first.train(IRIS));
    first.close();
    assertEquals(3, stop.epoch());
    assertEquals(2, stop.step());
    assertEquals(tmp.resolve("parts/checkpoint-2+2.zip"), stop.checkpoint().orElseThrow());
    assertEquals("Interrupted by SIGINT in epoch 3 after 2 batch(es); checkpoint " + tmp.resolve("parts/checkpoint-2+2.zip")
        + " was written: continue with resume=" + tmp.resolve("parts") + ".", stop.getMessage());
    Interrupter.at = -1;
    // Stopped again before its first batch, a resumed run saves the same place under the same name.
    Interrupter.atBegin = true;
    TorchLearner again = interruptible(learner(4, tmp.resolve("parts"), engine, optimizer, extras))
        .set("resume", tmp.resolve("parts").toString());
    TrainingInterrupted early = assertThrows(TrainingInterrupted.class, () -> again.train(IRIS));
    again.close();
    Interrupter.atBegin = false;
    assertEquals(tmp.resolve("parts/checkpoint-2+2.zip"), early.checkpoint().orElseThrow());
    assertEquals("Interrupted by SIGINT in epoch 3 after 2 batch(es); checkpoint " + tmp.resolve("parts/checkpoint-2+2.zip")
        + " was written: continue with resume=" + tmp.resolve("parts") + ".", early.getMessage());
    try (TorchLearner rest = interruptible(learner(4, tmp.resolve("parts"), engine, optimizer, extras))
        .set("resume", tmp.resolve("parts").toString()).train(IRIS)) {
      for (String id : List.of("history", "lr_step", "early_stopping", "csv_logger")) {
        assertEquals(straightStates.get(id), rest.model().callbacks().get(id), id + "'s state differs");
      }
      List<float[]> resumed = weights(rest);
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " differs");
      }
    }
  }

  /** Weighted iris (weights 1, 2, 3, 0 in turn, times balanced class weights) with focal loss. */
  private TorchLearner weighted(Path dir, String engine, String extras) {
    return interruptible(learner(4, dir, engine, "adam", extras)).set("loss", "focal").set("loss.gamma", 1)
        .set("class_weight", "balanced");
  }

  private static Task weightedIris() {
    float[] w = new float[IRIS.nrow()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i + 1) % 4;
    }
    return IRIS.withWeights(w);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"pytorch, -", "mxnet, -", "pytorch, devices"})
  void aWeightedRunInterruptedAfterABatchResumesExactly(String engine, String extras) {
    Task task = weightedIris();
    List<float[]> straight;
    Map<String, Object> straightStates;
    Interrupter.at = -1;
    try (TorchLearner full = weighted(tmp.resolve("full"), engine, extras).train(task)) {
      straight = weights(full);
      straightStates = full.model().callbacks();
    }
    // 120 training rows in batches of 32: stop after batch 2 of epoch 3, inside the epoch whose
    // weighted loss the checkpoint carries on.
    Interrupter.at = 10;
    TorchLearner first = weighted(tmp.resolve("parts"), engine, extras);
    assertThrows(TrainingInterrupted.class, () -> first.train(task));
    first.close();
    Interrupter.at = -1;
    TorchLearner otherGamma = weighted(tmp.resolve("parts"), engine, extras).set("loss.gamma", 2)
        .set("resume", tmp.resolve("parts").toString());
    TorchworkException e = assertThrows(TorchworkException.class, () -> otherGamma.train(task));
    assertTrue(e.getMessage().contains("was trained with other settings: loss.gamma was 1, is 2."), e.getMessage());
    otherGamma.close();
    try (TorchLearner rest = weighted(tmp.resolve("parts"), engine, extras).set("resume", tmp.resolve("parts").toString())
        .train(task)) {
      assertEquals(straightStates.get("history"), rest.model().callbacks().get("history"), "history, with each epoch's loss");
      List<float[]> resumed = weights(rest);
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " differs");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aResumeInTheMiddleOfAGroupOfBatchesTrainsWhatAnUninterruptedRunDoes(String engine) {
    // 120 training rows in batches of 12: 10 batches per epoch, cut in groups of 3 (0-2, 3-5,
    // 6-8, 9). Stopped after batch 5 of epoch 2, the run resumes with batch 6 (index 5), the
    // last of the second group.
    Interrupter.at = -1;
    List<float[]> straight;
    try (TorchLearner full = interruptible(learner(3, tmp.resolve("full"), engine, "adam", "-")).set("batch_size", 12).train(IRIS)) {
      straight = weights(full);
    }
    Interrupter.at = 15;
    TorchLearner first = interruptible(learner(3, tmp.resolve("parts"), engine, "adam", "-")).set("batch_size", 12);
    TrainingInterrupted stop = assertThrows(TrainingInterrupted.class, () -> first.train(IRIS));
    first.close();
    Interrupter.at = -1;
    assertEquals(2, stop.epoch());
    assertEquals(5, stop.step());
    try (TorchLearner rest = interruptible(learner(3, tmp.resolve("parts"), engine, "adam", "-")).set("batch_size", 12)
        .set("resume", tmp.resolve("parts").toString()).train(IRIS)) {
      List<float[]> resumed = weights(rest);
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " differs");
      }
    }
  }

  private static TorchLearner interruptible(TorchLearner l) {
    List<TorchCallback> callbacks = new ArrayList<>(l.callbacks());
    callbacks.add(0, TorchCallback.of("interrupter", Interrupter.class, Interrupter::new));
    return l.callbacks(callbacks);
  }

  @Test
  void aStatefulCallbackAfterTheCheckpointIsRefused() {
    TorchLearner l = PLATFORM.learner("classif.mlp")
        .callbacks(PLATFORM.callback("checkpoint").with("path", tmp.toString()).with("freq", 1),
            TorchCallback.builder("late_history", org.torchwork.callbacks.history.History.class)
                .weight(Double.POSITIVE_INFINITY).build(p -> new org.torchwork.callbacks.history.History()))
        .set("epochs", 1).set("batch_size", 32);
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
    assertEquals("Callback 'late_history' keeps state but runs after 'checkpoint', which saves checkpoints, so its state"
        + " would be saved stale. Give 'late_history' a lower weight than 'checkpoint' (weight Infinity), or list it first.",
        e.getMessage());
  }
}
