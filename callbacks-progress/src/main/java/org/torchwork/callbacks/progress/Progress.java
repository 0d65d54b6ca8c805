package org.torchwork.callbacks.progress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
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
  private final boolean colour;
  private long runStart;
  private long epochStart;
  private double lossSum;
  private int rows;
  private ProgressBar bar;
  private Line line;
  private long trainNanos;
  private Double elapsed;

  /**
   * Creates the callback.
   *
   * @param digits decimal places of losses and scores
   * @param live whether to draw live bars (a terminal) rather than plain lines
   */
  public Progress(int digits, boolean live) {
    this(digits, live, true);
  }

  /**
   * Creates the callback.
   *
   * @param digits decimal places of losses and scores
   * @param live a live bar (on a terminal) rather than one line per epoch
   * @param colour whether the bar may use colours ({@code NO_COLOR} turns them off)
   */
  public Progress(int digits, boolean live, boolean colour) {
    this.digits = digits;
    this.live = live;
    this.colour = colour;
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
      bar = bar(ctx.out(), "Epoch " + ctx.epoch() + "/" + ctx.totalEpochs(), ctx.taskTrain().nrow(), " samples");
    }
  }

  @Override
  public void onBatchEnd(Context ctx) {
    rows += ctx.batch().getSize();
    if (bar != null) {
      // Only a live bar shows the running loss: without one no batch's loss is read back (a sync on a GPU).
      lossSum += ctx.lastLoss() * ctx.batch().getSize();
      bar.stepTo(rows);
      bar.setExtraMessage(" loss " + format(lossSum / rows));
    }
  }

  @Override
  public void onBeforeValid(Context ctx) {
    trainNanos = System.nanoTime() - epochStart;
    closeBar();
  }

  @Override
  public void onBatchValidBegin(Context ctx) {
    if (live && bar == null && ctx.stepValid() == 1) {
      int batchSize = ctx.learner().params().getInt("batch_size");
      bar = bar(ctx.out(), "Validation", (ctx.taskValid().orElseThrow().nrow() + batchSize - 1) / batchSize, " batches");
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

  /** One line per epoch, on its own line, bar or not: every score, the samples, the time and the throughput. */
  @Override
  public void onEpochEnd(Context ctx) {
    closeBar();
    List<String> parts = new ArrayList<>();
    parts.add("train.loss " + format(ctx.trainLoss()));
    scores(parts, "train.", ctx.lastScoresTrain());
    if (ctx.validated()) {
      scores(parts, "valid.", ctx.lastScoresValid());
    }
    Map<String, Double> logged = ctx.logged();
    for (String name : ctx.published()) {
      Double v = logged.get(name);
      if (v != null) {
        parts.add(name + " " + format(v));
      }
    }
    double seconds = (System.nanoTime() - epochStart) / 1e9;
    ctx.out().println(String.format(Locale.ROOT, "Epoch %d/%d: %s (%d samples in %.2fs, %.0f samples/s)", ctx.epoch(),
        ctx.totalEpochs(), String.join(", ", parts), rows, seconds, rows / Math.max(trainNanos / 1e9, 1e-9)));
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
      // The line ends here whether or not the bar's own close got to it.
      line.close();
      bar = null;
    }
  }

  private void scores(List<String> parts, String prefix, Map<String, Double> scores) {
    scores.forEach((id, v) -> parts.add(prefix + id + " " + format(v)));
  }

  /** A bar with the elapsed and remaining time and the throughput. */
  private ProgressBar bar(PrintStream out, String task, int total, String unit) {
    line = new Line(out);
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setUnit(unit, 1)
        .showSpeed()
        // Closing a bar waits for its next refresh: a short interval keeps epochs from waiting on it.
        .setUpdateIntervalMillis(100)
        .setStyle(colour ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.UNICODE_BLOCK)
        .setConsumer(line)
        .build();
  }

  /**
   * The bar's line on the terminal. Once closed it ends the line and draws nothing more, even if
   * the bar's refresh thread renders late, so that the epoch's summary always starts a line of its
   * own.
   */
  private static final class Line implements ProgressBarConsumer {
    private final ConsoleProgressBarConsumer console;
    private final PrintStream out;
    private boolean closed;

    Line(PrintStream out) {
      this.console = new ConsoleProgressBarConsumer(out);
      this.out = out;
    }

    @Override
    public int getMaxRenderedLength() {
      return console.getMaxRenderedLength();
    }

    @Override
    public synchronized void accept(String rendered) {
      if (!closed) {
        console.accept(rendered);
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        out.println();
        out.flush();
      }
    }
  }

  private String format(double value) {
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

}
