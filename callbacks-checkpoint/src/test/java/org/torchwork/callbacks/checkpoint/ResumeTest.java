package org.torchwork.callbacks.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Train 6 epochs; train 3, stop, resume to 6: the same parameters and the same history, bit for
 * bit, on the CPU, with Adam, dropout, shuffling, validation, lr_step and history in the run.
 */
class ResumeTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;

  private TorchLearner learner(int epochs, Path dir) {
    return PLATFORM.learner("classif.mlp")
        .callbacks(PLATFORM.callback("history"), PLATFORM.callback("lr_step").with("step_size", 2).with("gamma", 0.5),
            PLATFORM.callback("checkpoint").with("path", dir.toString()).with("freq", 1))
        .set("epochs", epochs).set("batch_size", 32).set("neurons", List.of(16, 8)).set("dropout", 0.3)
        .set("optimizer", "adam").set("opt.lr", 0.01).set("seed", 42).set("engine", "pytorch")
        .set("validate", 0.2).set("measures_train", "classif.acc").set("measures_valid", "classif.ce");
  }

  private static List<float[]> weights(TorchLearner l) {
    List<float[]> out = new ArrayList<>();
    for (Pair<String, Parameter> p : l.model().network().getBlock().getParameters()) {
      out.add(p.getValue().getArray().toFloatArray());
    }
    return out;
  }

  @Test
  void aResumedRunEndsExactlyLikeAnUninterruptedOne() throws IOException {
    List<float[]> straight;
    Object straightHistory;
    try (TorchLearner full = learner(6, tmp.resolve("full")).train(IRIS)) {
      straight = weights(full);
      straightHistory = full.model().callbacks().get("history");
    }
    try (TorchLearner first = learner(3, tmp.resolve("parts")).train(IRIS)) {
      assertEquals(3, first.model().epochs());
    }
    assertTrue(Files.isRegularFile(tmp.resolve("parts/checkpoint-3.zip")));
    try (TorchLearner rest = learner(6, tmp.resolve("parts")).set("resume", tmp.resolve("parts").toString()).train(IRIS)) {
      List<float[]> resumed = weights(rest);
      assertEquals(straight.size(), resumed.size());
      for (int i = 0; i < straight.size(); i++) {
        assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i + " differs");
      }
      assertEquals(straightHistory, rest.model().callbacks().get("history"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rows = (List<Map<String, Object>>) straightHistory;
      assertEquals(List.of(0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025),
          rows.stream().map(r -> Math.round((Double) r.get("lr") * 1e6) / 1e6).toList(), "lr_step halves the rate after every 2nd epoch");
      assertEquals(6, rest.model().epochs());
    }
  }

  @Test
  void aCheckpointWithOtherCallbacksIsRefusedNamingTheDifference() {
    try (TorchLearner first = learner(2, tmp.resolve("a")).train(IRIS)) {
      assertEquals(2, first.model().epochs());
    }
    TorchLearner other = PLATFORM.learner("classif.mlp")
        .callbacks(PLATFORM.callback("history"), PLATFORM.callback("checkpoint").with("path", tmp.resolve("b").toString()).with("freq", 1))
        .set("epochs", 4).set("batch_size", 32).set("neurons", List.of(16, 8)).set("dropout", 0.3).set("opt.lr", 0.01)
        .set("validate", 0.2).set("measures_train", "classif.acc").set("measures_valid", "classif.ce")
        .set("resume", tmp.resolve("a").toString());
    TorchworkException e = assertThrows(TorchworkException.class, () -> other.train(IRIS));
    assertEquals("Checkpoint " + tmp.resolve("a/checkpoint-2.zip") + " holds the state of callbacks [checkpoint, history,"
        + " lr_step], but this run has [checkpoint, history]. Missing here: [lr_step]. Resume with the same callbacks, so"
        + " that no state is silently dropped or invented.", e.getMessage());
  }

  @Test
  void aStatefulCallbackAfterTheCheckpointIsRefused() {
    TorchLearner l = PLATFORM.learner("classif.mlp")
        .callbacks(PLATFORM.callback("checkpoint").with("path", tmp.toString()).with("freq", 1),
            org.torchwork.api.TorchCallback.builder("late_history", org.torchwork.callbacks.history.History.class)
                .weight(Double.POSITIVE_INFINITY).build(p -> new org.torchwork.callbacks.history.History()))
        .set("epochs", 1).set("batch_size", 32);
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
    assertEquals("Callback 'late_history' keeps state but runs after 'checkpoint', which saves checkpoints, so its state"
        + " would be saved stale. Give 'late_history' a lower weight than 'checkpoint' (weight Infinity), or list it first.",
        e.getMessage());
  }

  @Test
  void aCrashMidWriteLeavesThePreviousCheckpointIntact() throws IOException {
    try (TorchLearner l = learner(2, tmp).train(IRIS)) {
      assertEquals(2, l.model().epochs());
    }
    Path file = tmp.resolve("checkpoint-2.zip");
    byte[] before = Files.readAllBytes(file);
    // A save that cannot finish: the directory is read-only, so the temporary file cannot be made.
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      if (Files.isWritable(tmp)) {
        return; // running as root: permissions do not stop writes here
      }
      TorchworkException e = assertThrows(TorchworkException.class, () -> learner(2, tmp).train(IRIS));
      assertTrue(e.getMessage().contains("the previous checkpoint, if any, is unchanged"), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    assertNotEquals(0, before.length);
  }
}
