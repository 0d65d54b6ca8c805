package org.torchwork.callbacks.progress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Shows training progress. On a terminal, a live bar per epoch (batches done, running loss,
 * elapsed time) and one for validation; otherwise one plain line per epoch, so logs and pipes
 * stay readable. Each epoch ends with a summary of the train loss and scores.
 *
 * <p>State: the seconds the run took, from {@code on_begin} to {@code on_end}.
 */
public final class Progress extends CallbackSet {
  private final int digits;
  private final boolean live;
  private long runStart;
  private long epochStart;
  private double lossSum;
  private int rows;
  private ProgressBar bar;
  private Double elapsed;

  /**
   * Creates the callback.
   *
   * @param digits decimal places of losses and scores
   * @param live whether to draw live bars (a terminal) rather than plain lines
   */
  public Progress(int digits, boolean live) {
    this.digits = digits;
    this.live = live;
  }

  @Override
  public void onBegin(Context ctx) {
    runStart = System.nanoTime();
  }

  @Override
  public void onEpochBegin(Context ctx) {
    epochStart = System.nanoTime();
    lossSum = 0;
    rows = 0;
    if (live) {
      bar = bar(ctx.out(), "Epoch " + ctx.epoch() + "/" + ctx.totalEpochs(), ctx.batches());
    }
  }

  @Override
  public void onBatchEnd(Context ctx) {
    int size = ctx.batch().getSize();
    lossSum += ctx.lastLoss() * size;
    rows += size;
    if (bar != null) {
      bar.stepTo(ctx.step());
      bar.setExtraMessage(" loss " + format(lossSum / rows));
    }
  }

  @Override
  public void onBeforeValid(Context ctx) {
    if (bar != null) {
      bar.close();
      bar = null;
    } else {
      ctx.out().println(
          String.format(Locale.ROOT, "Epoch %d/%d: %d/%d batches, loss %s, %s",
              ctx.epoch(), ctx.totalEpochs(), ctx.step(), ctx.batches(),
              format(ctx.trainLoss()), seconds(System.nanoTime() - epochStart)));
    }
  }

  @Override
  public void onBatchValidBegin(Context ctx) {
    if (live && bar == null && ctx.stepValid() == 1) {
      int batchSize = ctx.learner().params().getInt("batch_size");
      bar = bar(ctx.out(), "Validation", (ctx.taskValid().orElseThrow().nrow() + batchSize - 1) / batchSize);
    }
  }

  @Override
  public void onBatchValidEnd(Context ctx) {
    if (bar != null) {
      bar.stepTo(ctx.stepValid());
    }
  }

  @Override
  public void onValidEnd(Context ctx) {
    closeBar();
  }

  @Override
  public void onEpochEnd(Context ctx) {
    List<String> parts = new ArrayList<>();
    parts.add("train.loss " + format(ctx.trainLoss()));
    scores(parts, "train.", ctx.lastScoresTrain());
    if (ctx.validated()) {
      scores(parts, "valid.", ctx.lastScoresValid());
    }
    ctx.out().println("[epoch " + ctx.epoch() + "] " + String.join(", ", parts));
  }

  @Override
  public void onEnd(Context ctx) {
    elapsed = (System.nanoTime() - runStart) / 1e9;
  }

  @Override
  public void onExit(Context ctx) {
    closeBar();
  }

  @Override
  public Object stateDict() {
    return elapsed;
  }

  @Override
  public void loadStateDict(Object state) {
    elapsed = ((Number) state).doubleValue();
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  private void scores(List<String> parts, String prefix, Map<String, Double> scores) {
    scores.forEach((id, v) -> parts.add(prefix + id + " " + format(v)));
  }

  private ProgressBar bar(PrintStream out, String task, int total) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(" batches", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .build();
  }

  private String format(double value) {
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
  }
}
