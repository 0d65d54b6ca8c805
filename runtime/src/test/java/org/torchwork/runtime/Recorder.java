package org.torchwork.runtime;

import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;

/** Records every stage it sees, optionally terminating or throwing at a given point. */
final class Recorder extends CallbackSet {
  final String name;
  final List<String> log;
  Stage terminateAt;
  int terminateEpoch;
  Stage failAt;
  int failGlobalStep;
  Throwable failureSeenOnExit;
  final List<Double> afterBackwardLosses = new ArrayList<>();
  final List<Double> batchEndLosses = new ArrayList<>();
  final List<Integer> stepAtEpochBegin = new ArrayList<>();

  Recorder(String name, List<String> log) {
    this.name = name;
    this.log = log;
  }

  private void record(Context ctx) {
    log.add(name + ":" + ctx.stage().id());
    if (ctx.stage() == terminateAt && ctx.epoch() == terminateEpoch) {
      ctx.terminate();
    }
    if (ctx.stage() == failAt && ctx.globalStep() == failGlobalStep) {
      throw new IllegalStateException("boom at step " + ctx.globalStep());
    }
  }

  @Override
  public void onBegin(Context ctx) {
    record(ctx);
  }

  @Override
  public void onEpochBegin(Context ctx) {
    stepAtEpochBegin.add(ctx.step());
    record(ctx);
  }

  @Override
  public void onBatchBegin(Context ctx) {
    record(ctx);
  }

  @Override
  public void onAfterBackward(Context ctx) {
    afterBackwardLosses.add(ctx.lastLoss());
    record(ctx);
  }

  @Override
  public void onBatchEnd(Context ctx) {
    batchEndLosses.add(ctx.lastLoss());
    record(ctx);
  }

  @Override
  public void onBeforeValid(Context ctx) {
    record(ctx);
  }

  @Override
  public void onBatchValidBegin(Context ctx) {
    record(ctx);
  }

  @Override
  public void onBatchValidEnd(Context ctx) {
    record(ctx);
  }

  @Override
  public void onValidEnd(Context ctx) {
    record(ctx);
  }

  @Override
  public void onEpochEnd(Context ctx) {
    record(ctx);
  }

  @Override
  public void onEnd(Context ctx) {
    record(ctx);
  }

  @Override
  public void onExit(Context ctx) {
    failureSeenOnExit = ctx.failure().orElse(null);
    record(ctx);
  }

  @Override
  public Object stateDict() {
    return log.size();
  }

  /** The stage sequence one run should produce, for one recorder. */
  static List<String> expected(String name, int epochs, int trainBatches, int validBatches, boolean[] validates) {
    List<String> out = new ArrayList<>();
    out.add(name + ":on_begin");
    for (int e = 0; e < epochs; e++) {
      out.add(name + ":on_epoch_begin");
      for (int b = 0; b < trainBatches; b++) {
        out.add(name + ":on_batch_begin");
        out.add(name + ":on_after_backward");
        out.add(name + ":on_batch_end");
      }
      out.add(name + ":on_before_valid");
      if (validates[e]) {
        for (int b = 0; b < validBatches; b++) {
          out.add(name + ":on_batch_valid_begin");
          out.add(name + ":on_batch_valid_end");
        }
        out.add(name + ":on_valid_end");
      }
      out.add(name + ":on_epoch_end");
    }
    out.add(name + ":on_end");
    out.add(name + ":on_exit");
    return out;
  }
}
