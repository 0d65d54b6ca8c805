package org.torchwork.callbacks.loggers;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Measure;
import org.torchwork.api.TorchworkException;

/**
 * Writes TensorBoard event files ({@code tensorboard --logdir <path>} shows them): per epoch the
 * train loss ({@code train/loss}), every train score ({@code train/<measure>}) and every
 * validation score ({@code valid/<measure>}), the learning rate ({@code lr}) and every value the
 * run's callbacks publish ({@code <callback id>/<name>}, see {@link Context#log}), with the epoch
 * as step; with
 * {@code log_train_loss}, also every batch's loss ({@code train/batch_loss}, the global step as
 * step). A run writes a new file, {@code events.out.tfevents.<seconds>.<host>.<n>}.
 *
 * <p>State: the number of scalars written.
 */
public final class TensorBoard extends CallbackSet {
  private final Path dir;
  private final boolean logTrainLoss;
  private Path folder;
  private EventFileWriter writer;
  private int written;

  /**
   * Creates the logger.
   *
   * @param dir the log directory
   * @param logTrainLoss also log each batch's loss
   */
  public TensorBoard(Path dir, boolean logTrainLoss) {
    this.dir = dir;
    this.logTrainLoss = logTrainLoss;
  }

  @Override
  public void onBegin(Context ctx) {
    // Checked now, before training; the event file is created at the first value, so that a run
    // refused in on_begin leaves nothing behind.
    folder = ctx.claimFolder(dir, "cb.tb.path");
  }

  /** Creates a new event file: never one that exists, never through a link. */
  private void open() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    long seconds = System.currentTimeMillis() / 1000;
    for (int n = 0; writer == null; n++) {
      Path file = folder.resolve("events.out.tfevents." + seconds + "." + host + "." + n);
      try {
        writer = new EventFileWriter(new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)));
      } catch (FileAlreadyExistsException e) {
        // taken; try the next number
      } catch (IOException e) {
        throw new TorchworkException("tb cannot write to " + dir + ": " + e.getMessage() + ". Check the path and its"
            + " permissions (cb.tb.path).", e);
      }
    }
  }

  @Override
  public void onBatchEnd(Context ctx) {
    if (logTrainLoss) {
      scalar("train/batch_loss", ctx.lastLoss(), ctx.globalStep());
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    scalar("train/loss", ctx.trainLoss(), ctx.epoch());
    Map<String, Double> logged = ctx.logged();
    scalar("lr", logged.get("lr"), ctx.epoch());
    for (String name : ctx.published()) {
      Double v = logged.get(name);
      if (v != null) {
        // grad_clip.grad_norm as grad_clip/grad_norm: TensorBoard groups charts by the first part.
        int dot = name.indexOf('.');
        scalar(name.substring(0, dot) + "/" + name.substring(dot + 1), v, ctx.epoch());
      }
    }
    for (Measure m : ctx.measuresTrain()) {
      Double v = ctx.lastScoresTrain().get(m.id());
      if (v != null) {
        scalar("train/" + m.id(), v, ctx.epoch());
      }
    }
    if (ctx.validated()) {
      for (Measure m : ctx.measuresValid()) {
        Double v = ctx.lastScoresValid().get(m.id());
        if (v != null) {
          scalar("valid/" + m.id(), v, ctx.epoch());
        }
      }
    }
  }

  private void scalar(String tag, double value, long step) {
    if (writer == null) {
      open();
    }
    try {
      writer.scalar(tag, (float) value, step);
      written++;
    } catch (IOException e) {
      throw new TorchworkException("tb cannot write to " + dir + ": " + e.getMessage() + ".", e);
    }
  }

  @Override
  public void onExit(Context ctx) {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        throw new TorchworkException("tb cannot close its event file in " + dir + ": " + e.getMessage() + ".", e);
      }
      writer = null;
    }
  }

  @Override
  public Object stateDict() {
    return written;
  }

  @Override
  public void loadStateDict(Object state) {
    written = ((Number) state).intValue();
  }
}
