package org.torchwork.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Param;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;

class TestKitTest {
  /** Counts batches per epoch and prints the count. */
  static final class Counter extends CallbackSet {
    private final String prefix;
    private int batches;

    Counter(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      ctx.out().println(prefix + batches);
      if (prefix.equals("fail")) {
        throw new IllegalStateException("asked to fail");
      }
    }

    @Override
    public Object stateDict() {
      return batches;
    }
  }

  static final TorchCallback COUNTER = TorchCallback.builder("counter", Counter.class)
      .param(Param.string("prefix").defaultValue("batches "))
      .build(p -> new Counter(p.getString("prefix")));

  @Test
  void runsTheCallbackAndReportsStagesOutputAndState() {
    try (TestKit.Result r = TestKit.callback(COUNTER).set("prefix", "n=").run()) {
      List<Stage> epoch = new ArrayList<>(Collections.nCopies(3, Stage.ON_BATCH_END));
      epoch.add(Stage.ON_EPOCH_END);
      List<Stage> expected = new ArrayList<>(epoch);
      expected.addAll(epoch);
      assertEquals(expected, r.stages(), "150 iris rows in batches of 50, two epochs");
      assertEquals(List.of("n=3", "n=6"), r.lines());
      assertEquals(6, r.state());
      assertTrue(r.failure().isEmpty());
    }
  }

  @Test
  void aFailingCallbackIsReportedNotThrown() {
    try (TestKit.Result r = TestKit.callback(COUNTER).set("prefix", "fail").param("epochs", 3).run()) {
      assertEquals(List.of("fail3"), r.lines());
      assertTrue(r.failure().orElseThrow().getMessage().startsWith("Callback 'counter' failed in on_epoch_end"));
      assertEquals(null, r.state());
      // The stage it threw in is the last it ran in.
      List<Stage> stages = r.stages();
      assertEquals(Stage.ON_EPOCH_END, stages.get(stages.size() - 1), stages.toString());
      assertEquals(1, r.count(Stage.ON_EPOCH_END));
    }
  }

  /** Keeps a count, and a note its loadStateDict forgets to restore. */
  static final class Forgetful extends CallbackSet {
    private long batches;
    private String note = "";

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
      note = "seen " + batches;
    }

    @Override
    public Object stateDict() {
      return java.util.Map.of("batches", batches, "note", note);
    }

    @Override
    public void loadStateDict(Object state) {
      batches = ((Number) ((java.util.Map<?, ?>) state).get("batches")).longValue();
    }
  }

  @Test
  void theStateRoundTripCatchesALoadStateDictThatForgetsAndPassesOneThatDoesNot() {
    TorchCallback forgetful = TorchCallback.of("forgetful", Forgetful.class, Forgetful::new);
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> TestKit.callback(forgetful).assertStateRoundTrip());
    assertEquals("Callback 'forgetful': a fresh instance given the state {batches=6, note=seen 6} with loadStateDict() gives"
        + " back {batches=6, note=} from stateDict(). A resumed run would not continue where this one stopped: make"
        + " loadStateDict() restore everything stateDict() returns.", e.getMessage().replace("{note=seen 6, batches=6}",
        "{batches=6, note=seen 6}").replace("{note=, batches=6}", "{batches=6, note=}"));
    assertEquals(java.util.Map.of("batches", 6L), TestKit.callback(TorchCallback.of("faithful", Faithful.class,
        Faithful::new)).assertStateRoundTrip());
  }

  /** Restores all it keeps. */
  static final class Faithful extends CallbackSet {
    private long batches;

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
    }

    @Override
    public Object stateDict() {
      return java.util.Map.of("batches", batches);
    }

    @Override
    public void loadStateDict(Object state) {
      batches = ((Number) ((java.util.Map<?, ?>) state).get("batches")).longValue();
    }
  }

  @Test
  void discoveryByIdNamesWhatIsMissing() {
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> TestKit.assertDiscoverable("not_declared"));
    assertTrue(e.getMessage().startsWith("Callback 'not_declared' is not found through ServiceLoader; found: ["), e.getMessage());
  }
}
