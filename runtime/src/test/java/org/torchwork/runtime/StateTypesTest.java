package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.store.Json;

/** A callback's state comes back with the number types it returned: in the model, a saved model, and a resume. */
class StateTypesTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  @TempDir Path tmp;

  /** Keeps numbers of every type, saves a checkpoint after epoch 1, and records what a resume hands it. */
  static final class Typed extends CallbackSet {
    static final List<Object> LOADED = new ArrayList<>();
    private final Path checkpoints;
    private long batches;

    Typed(Path checkpoints) {
      this.checkpoints = checkpoints;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      if (ctx.epoch() == 1) {
        ctx.saveCheckpoint(checkpoints);
      }
    }

    @Override
    public Object stateDict() {
      return expected(batches);
    }

    @Override
    public void loadStateDict(Object state) {
      LOADED.add(state);
      batches = (Long) ((Map<?, ?>) state).get("batches");
    }
  }

  private static Map<String, Object> expected(long batches) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("batches", batches);
    state.put("int", 3);
    state.put("float", 0.1f);
    state.put("double", 0.1);
    state.put("short", (short) 7);
    state.put("byte", (byte) -2);
    state.put("big", Long.MAX_VALUE);
    state.put("nested", List.of(5L, Map.of("$type", "mine", "value", 2L)));
    return state;
  }

  @Test
  void numbersKeepTheirTypesInTheModelInASavedModelAndAfterAResume() {
    Path checkpoints = tmp.resolve("ckpt");
    TorchCallback typed = TorchCallback.builder("typed", Typed.class).build(p -> new Typed(checkpoints));
    // 150 rows in batches of 64: 3 batches per epoch.
    try (TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 2).set("batch_size", 64).set("seed", 1)
        .callbacks(typed).train(IRIS)) {
      assertEquals(expected(6), l.model().callbacks().get("typed"));
      l.model().save(tmp.resolve("model"), false);
      try (TrainedModel loaded = TrainedModel.load(tmp.resolve("model"))) {
        assertEquals(expected(6), loaded.callbacks().get("typed"));
      }
    }
    Typed.LOADED.clear();
    try (TorchLearner resumed = PLATFORM.learner("classif.mlp").set("epochs", 2).set("batch_size", 64)
        .set("resume", checkpoints.toString()).callbacks(typed).train(IRIS)) {
      assertEquals(List.of(expected(3)), Typed.LOADED);
      assertEquals(expected(6), resumed.model().callbacks().get("typed"));
    }
  }

  @Test
  void aMarkTorchworkDidNotWriteIsRefused() {
    assertThrows(JsonParseException.class, () -> Json.typed(Map.of("$type", "long", "value", "five")));
    assertThrows(JsonParseException.class, () -> Json.typed(Map.of("$type", "complex", "value", "1")));
  }
}
