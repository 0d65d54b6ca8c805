package org.torchwork.callbacks.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;
import org.torchwork.testkit.TestKit;

class ToolsTest {
  /** Copies one parameter at the start of the run and after every epoch. */
  static final class Snapshots extends CallbackSet {
    static final List<float[]> TAKEN = new ArrayList<>();
    static String name = "01Linear_weight";

    private void take(Context ctx) {
      ctx.network().getParameters().forEach(p -> {
        if (p.getKey().equals(name)) {
          TAKEN.add(p.getValue().getArray().toFloatArray());
        }
      });
    }

    @Override
    public void onBegin(Context ctx) {
      take(ctx);
    }

    @Override
    public void onEpochEnd(Context ctx) {
      take(ctx);
    }
  }

  private static final TorchCallback SNAPSHOTS =
      TorchCallback.builder("snapshots", Snapshots.class).weight(10).build(p -> new Snapshots());

  @Test
  void unfreezeTrainsTheStartingWeightsFirstThenTheScheduledOnes() {
    Snapshots.TAKEN.clear();
    try (TestKit.Result r = TestKit.callback(ToolsProvider.UNFREEZE)
        .set("starting_weights", "03Linear.*").set("unfreeze", "epoch=2:01Linear.*")
        .param("epochs", 3).param("dropout", 0.0).param("opt.lr", 0.05)
        .with(SNAPSHOTS).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      assertEquals(4, Snapshots.TAKEN.size());
      assertArrayEquals(Snapshots.TAKEN.get(0), Snapshots.TAKEN.get(1), "frozen in epoch 1");
      assertFalse(Arrays.equals(Snapshots.TAKEN.get(1), Snapshots.TAKEN.get(2)), "trained from epoch 2");
      assertEquals(List.of("01Linear_weight", "01Linear_bias"), r.state());
    }
  }

  @Test
  void unfreezeRefusesAStartThatSelectsNothing() {
    try (TestKit.Result r = TestKit.callback(ToolsProvider.UNFREEZE).set("starting_weights", "nothing").run()) {
      assertTrue(r.failure().orElseThrow().getMessage().contains("'cb.unfreeze.starting_weights' (nothing) selects none of the"
          + " network's parameters, so nothing would train. Its parameters: [01Linear_weight, 01Linear_bias,"), r.failure().get().getMessage());
    }
  }

  @Test
  void gradClipByValueClipsEveryBatchAndByALargeNormNone() {
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).set("value", 1e-6).run()) {
      assertEquals(6, r.state(), "every batch had a gradient element above 1e-6");
      assertEquals(6, r.count(Stage.ON_AFTER_BACKWARD));
    }
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).set("max_norm", 1e9).run()) {
      assertEquals(0, r.state());
    }
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).set("max_norm", 1e-3).run()) {
      assertEquals(6, r.state());
    }
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).run()) {
      assertEquals("Callback 'grad_clip' needs exactly one of cb.grad_clip.max_norm (clip by norm) and cb.grad_clip.value"
          + " (clip by value); neither is set.", r.failure().orElseThrow().getMessage());
    }
  }

  @Test
  void gradClipByNormBoundsTheStep() {
    Snapshots.TAKEN.clear();
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).set("max_norm", 1e-4)
        .param("optimizer", "sgd").param("opt.lr", 1.0).param("epochs", 1).param("dropout", 0.0).with(SNAPSHOTS).run()) {
      float[] before = Snapshots.TAKEN.get(0);
      float[] after = Snapshots.TAKEN.get(1);
      double moved = 0;
      for (int i = 0; i < before.length; i++) {
        moved += (after[i] - before[i]) * (after[i] - before[i]);
      }
      assertTrue(Math.sqrt(moved) <= 3 * 1e-4 * 1.0001, "3 SGD steps of lr 1 and gradient norm at most 1e-4 move the weights"
          + " at most 3e-4: " + Math.sqrt(moved));
    }
  }

  @Test
  void theGlobalNormIsTheNormOfEveryGradientTogether() {
    try (ai.djl.ndarray.NDManager m = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      List<ai.djl.ndarray.NDArray> grads = List.of(m.create(new float[] {3, -4}), m.create(new float[][] {{-12}}));
      // On the host (small arrays on the CPU) and on the engine (a limit of 0 elements for the host).
      for (long hostElements : new long[] {GradClip.HOST_ELEMENTS, 0}) {
        assertEquals(13, GradClip.globalNorm(grads, 2, hostElements), 1e-5);
        assertEquals(19, GradClip.globalNorm(grads, 1, hostElements), 1e-5);
        assertEquals(Math.cbrt(27 + 64 + 1728), GradClip.globalNorm(grads, 3, hostElements), 1e-4);
        assertEquals(12, GradClip.globalNorm(grads, Double.POSITIVE_INFINITY, hostElements), 0);
      }
      assertEquals(2, m.getManagedArrays().size(), "the engine's reduction freed its temporaries");
    }
  }

  private static int arraysAfter(int epochs) {
    try (TestKit.Result r = TestKit.callback(ToolsProvider.GRAD_CLIP).set("value", 1e-3).param("epochs", epochs).run()) {
      return r.model().network().getNDManager().getManagedArrays().size();
    }
  }

  @Test
  void gradClipLeavesNoArraysBehind() {
    assertEquals(arraysAfter(1), arraysAfter(4));
  }

  @Test
  void terminateOnNanStopsCleanlyAndRecordsWhy() {
    try (TestKit.Result r = TestKit.callback(ToolsProvider.TERMINATE_ON_NAN)
        .param("optimizer", "sgd").param("opt.lr", 1e30).param("epochs", 5).run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) r.state();
      assertEquals(true, state.get("terminated"));
      assertTrue(((String) state.get("reason")).startsWith("the training loss was "), state.toString());
      assertTrue(r.model().epochs() < 5, "stopped early: " + r.model().epochs());
      assertEquals(state.get("epoch"), r.model().epochs());
    }
  }

  @Test
  void timerRecordsEveryEpochAndStage() {
    try (TestKit.Result r = TestKit.callback(ToolsProvider.TIMER).param("validate", 0.2).run()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> state = (Map<String, Object>) r.state();
      assertEquals(2, ((List<?>) state.get("epochs")).size());
      assertEquals(List.of("on_begin", "on_epoch_begin", "on_batch_begin", "on_after_backward", "on_batch_end",
          "on_before_valid", "on_batch_valid_begin", "on_batch_valid_end", "on_valid_end", "on_epoch_end"),
          List.copyOf(((Map<?, ?>) state.get("stages")).keySet()), "on_end's time is not over when the state is taken");
      for (Object seconds : (List<?>) state.get("epochs")) {
        assertTrue(((Number) seconds).doubleValue() > 0, "an epoch takes time: " + seconds);
      }
    }
  }
}
