package org.torchwork.it.recorder;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;


/** Appends one line per stage it sees to a file; can terminate the run or throw on request. */
public final class Recorder extends CallbackSet {
  private final String id;
  private final PrintWriter out;
  private final String terminateAt;
  private final String failAt;

  public Recorder(String id, String path, String terminateAt, String failAt) {
    this.id = id;
    this.terminateAt = terminateAt;
    this.failAt = failAt;
    try {
      this.out = new PrintWriter(Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void record(Context ctx, String extra) {
    out.println(id + " " + ctx.stage().id() + " epoch=" + ctx.epoch() + " step=" + ctx.step() + extra);
    String here = ctx.stage().id() + "@";
    if ((here + ctx.epoch()).equals(terminateAt)) {
      ctx.terminate();
    }
    if ((here + ctx.globalStep()).equals(failAt)) {
      throw new IllegalStateException("recorder asked to fail at " + failAt);
    }
  }

  @Override public void onBegin(Context ctx) { record(ctx, ""); }
  @Override public void onEpochBegin(Context ctx) { record(ctx, ""); }
  @Override public void onBatchBegin(Context ctx) { record(ctx, ""); }
  @Override public void onAfterBackward(Context ctx) { record(ctx, " loss=" + ctx.lastLoss()); }
  @Override public void onBatchEnd(Context ctx) { record(ctx, " loss=" + ctx.lastLoss()); }
  @Override public void onBeforeValid(Context ctx) { record(ctx, ""); }
  @Override public void onBatchValidBegin(Context ctx) { record(ctx, ""); }
  @Override public void onBatchValidEnd(Context ctx) { record(ctx, ""); }
  @Override public void onValidEnd(Context ctx) { record(ctx, ""); }
  @Override public void onEpochEnd(Context ctx) { record(ctx, ""); }
  @Override public void onEnd(Context ctx) { record(ctx, ""); }

  @Override
  public void onExit(Context ctx) {
    record(ctx, " failure=" + ctx.failure().map(f -> f.getClass().getSimpleName()).orElse("none"));
    out.close();
  }

  @Override
  public Object stateDict() {
    return id;
  }

}
