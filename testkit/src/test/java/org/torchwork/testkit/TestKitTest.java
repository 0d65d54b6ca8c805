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
    }
  }
}
