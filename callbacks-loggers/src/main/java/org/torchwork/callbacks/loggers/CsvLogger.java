package org.torchwork.callbacks.loggers;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.torchwork.api.Context;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Measure;
import org.torchwork.api.TorchworkException;

/**
 * Writes one CSV row per epoch — {@code epoch,lr,train.loss,train.<measure>...,valid.<measure>...}
 * — or, with {@code per_batch}, one row per training batch ({@code epoch,step,global_step,lr,loss}).
 * Each row is flushed as it is written, so the file can be followed while training runs. A resumed
 * run keeps the rows its checkpoint knew of and continues after them. Per epoch, every value the
 * run's callbacks publish ({@link Context#log}) follows the scores, as {@code <callback id>.<name>}.
 * Score cells are empty in epochs that do not evaluate, published cells in epochs that did not
 * publish the value.
 *
 * <p>Refuses, before training starts, to write over a file it did not write (one whose first line
 * is not its header), a link, or the task's data file.
 *
 * <p>State: the number of rows written, and the epoch's learning rate.
 */
public final class CsvLogger extends CallbackSet {
  private static final String HEADER_START = "epoch,lr,train.loss";
  private static final String PER_BATCH_HEADER = "epoch,step,global_step,lr,loss";
  private final Path file;
  private final boolean perBatch;
  private Path target;
  private List<String> header;
  private BufferedWriter out;
  private int rows;
  private double lr;

  /**
   * Creates the logger.
   *
   * @param file the CSV file
   * @param perBatch one row per batch instead of per epoch
   */
  public CsvLogger(Path file, boolean perBatch) {
    this.file = file;
    this.perBatch = perBatch;
  }

  @Override
  public void onBegin(Context ctx) {
    // Checked now, before training; written only once training writes its first row, so that a
    // run refused in on_begin (by this callback or another) leaves the file as it was.
    target = ctx.claimFile(file, "cb.csv_logger.path", CsvLogger::written);
    header = header(ctx);
  }

  /** Opens the file at the first row: keeps what a resumed run's checkpoint knew of, else starts with the header. */
  private void open() {
    try {
      List<String> kept = new ArrayList<>();
      if (rows > 0 && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        // A resumed run: keep the header and the rows the checkpoint knew of, drop any written after it.
        try (BufferedReader in = Files.newBufferedReader(target, StandardCharsets.UTF_8)) {
          for (String line; kept.size() <= rows && (line = in.readLine()) != null; ) {
            kept.add(line);
          }
        }
      }
      out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(target, StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8));
      if (kept.isEmpty()) {
        rows = 0;
        kept.add(String.join(",", header));
      }
      for (String line : kept) {
        out.write(line);
        out.newLine();
      }
      out.flush();
      rows = kept.size() - 1;
    } catch (IOException e) {
      throw new TorchworkException("csv_logger cannot write " + file + ": " + e.getMessage() + ". Check the path and"
          + " its directory's permissions (cb.csv_logger.path).", e);
    }
  }

  /** Whether a file is one this logger wrote: its first line is one of the logger's headers. */
  private static boolean written(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      char[] start = new char[HEADER_START.length() + PER_BATCH_HEADER.length()];
      int n = in.read(start);
      String head = n <= 0 ? "" : new String(start, 0, n);
      return head.startsWith(HEADER_START) || head.startsWith(PER_BATCH_HEADER);
    } catch (IOException e) {
      return false;
    }
  }

  private List<String> header(Context ctx) {
    List<String> h = new ArrayList<>(perBatch
        ? List.of("epoch", "step", "global_step", "lr", "loss")
        : List.of("epoch", "lr", "train.loss"));
    if (!perBatch) {
      ctx.measuresTrain().forEach(m -> h.add("train." + m.id()));
      ctx.measuresValid().forEach(m -> h.add("valid." + m.id()));
      h.addAll(ctx.published());
    }
    return h;
  }

  @Override
  public void onBatchEnd(Context ctx) {
    if (perBatch) {
      write(List.of(str(ctx.epoch()), str(ctx.step()), str(ctx.globalStep()), num(ctx.learningRate()), num(ctx.lastLoss())));
      rows++;
    }
  }

  @Override
  public void onEpochBegin(Context ctx) {
    lr = ctx.learningRate();
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (perBatch) {
      return;
    }
    List<String> row = new ArrayList<>(List.of(str(ctx.epoch()), num(lr), num(ctx.trainLoss())));
    for (Measure m : ctx.measuresTrain()) {
      row.add(cell(ctx.lastScoresTrain().get(m.id())));
    }
    for (Measure m : ctx.measuresValid()) {
      row.add(ctx.validated() ? cell(ctx.lastScoresValid().get(m.id())) : "");
    }
    Map<String, Double> logged = ctx.logged();
    for (String name : ctx.published()) {
      row.add(cell(logged.get(name)));
    }
    write(row);
    rows++;
  }

  @Override
  public void onExit(Context ctx) {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out = null;
    }
  }

  private void write(List<String> cells) {
    if (out == null) {
      open();
    }
    try {
      out.write(String.join(",", cells));
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new TorchworkException("csv_logger cannot write " + file + ": " + e.getMessage() + ".", e);
    }
  }

  private static String cell(Double v) {
    return v == null ? "" : num(v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%s", v);
  }

  private static String str(int v) {
    return Integer.toString(v);
  }

  @Override
  public Object stateDict() {
    // The epoch's learning rate too: a run resumed in the middle of an epoch does not run its
    // on_epoch_begin again.
    return Map.of("rows", rows, "lr", lr);
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    rows = ((Number) map.get("rows")).intValue();
    lr = ((Number) map.get("lr")).doubleValue();
  }
}
