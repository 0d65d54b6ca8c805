package org.torchwork.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.torchwork.api.TorchworkException;

/**
 * Sizes that cannot fit, refused before any work with the number and the limit: batches whose
 * arrays a Java array cannot hold, networks larger than the machine's memory, data files larger
 * than Java's heap.
 */
public final class Limits {
  /** The most elements a Java array holds. */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Bytes per network parameter while training: the weight, its gradient and two optimizer slots, as floats. */
  static final int TRAINING_BYTES_PER_PARAMETER = 16;

  private Limits() {}

  /**
   * Refuses a batch whose features do not fit in one array.
   *
   * @param batchSize the batch size asked for
   * @param rows the rows there are
   * @param features the features per row
   */
  public static void checkBatch(int batchSize, int rows, int features) {
    long values = (long) Math.min(batchSize, rows) * features;
    if (values > MAX_ARRAY) {
      throw new TorchworkException("batch_size=" + batchSize + " gives batches of " + Math.min(batchSize, rows) + " rows x "
          + features + " features = " + values + " values, more than one array holds (" + MAX_ARRAY + "). Set batch_size to"
          + " at most " + MAX_ARRAY / features + ".");
    }
  }

  /**
   * Refuses a batch buffer that cannot fit in half of Java's heap, for streaming where the rows
   * are not known ahead.
   *
   * @param batchSize the batch size asked for
   * @param features the features per row
   * @param option how the user sets it, e.g. {@code --batch-size}
   */
  public static void checkBatchBuffer(int batchSize, int features, String option) {
    long values = (long) batchSize * features;
    // The features as floats, once in Java and once handed to the engine.
    long most = Math.min(MAX_ARRAY, Runtime.getRuntime().maxMemory() / 2 / (2L * Float.BYTES)) / Math.max(1, features);
    if (batchSize > most) {
      throw new TorchworkException(option + " " + batchSize + " x " + features + " features = " + values + " values per batch,"
          + " more than fit in memory here (at most " + most + " rows per batch with Java's heap of "
          + bytes(Runtime.getRuntime().maxMemory()) + "). Use a smaller " + option + ", e.g. 1024.");
    }
  }

  /**
   * Refuses a network whose training state cannot fit in this machine's memory.
   *
   * @param learner the learner, for messages
   * @param parameters the network's parameter count, or -1 when unknown
   * @param machineBytes the machine's memory, or -1 when unknown
   */
  public static void checkNetwork(String learner, long parameters, long machineBytes) {
    if (parameters < 0 || machineBytes <= 0) {
      return;
    }
    double needed = (double) parameters * TRAINING_BYTES_PER_PARAMETER;
    if (needed > machineBytes) {
      throw new TorchworkException("The network of learner '" + learner + "' has " + parameters + " parameters; training it"
          + " needs about " + bytes(needed) + " (weights, gradients and optimizer state), more than this machine's "
          + bytes(machineBytes) + " of memory. Use fewer or smaller layers (neurons, layers).");
    }
  }

  /**
   * Refuses a data file larger than Java's heap: its rows, held as numbers, would not fit.
   *
   * @param file the file
   * @param what how messages name it, e.g. {@code Task file}
   */
  public static void checkFileFits(Path file, String what) {
    checkFileFits(file, what, Runtime.getRuntime().maxMemory());
  }

  static void checkFileFits(Path file, String what, long heap) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      return;
    }
    if (heap != Long.MAX_VALUE && size > heap) {
      throw new TorchworkException(what + " " + file + " is " + bytes(size) + ", larger than Java's heap (" + bytes(heap)
          + "), so its rows cannot be held in memory. Give Java more (TORCHWORK_JAVA_OPTS=-Xmx" + Math.max(2, 2 * (size >> 30) + 1)
          + "g), or train on a sample of the rows.");
    }
  }

  /**
   * Refuses data whose values, as floats, would not fit in Java's heap.
   *
   * @param bytes the bytes the values take
   * @param what what the data is, for the message
   */
  public static void checkHeap(long bytes, String what) {
    long heap = Runtime.getRuntime().maxMemory();
    if (heap != Long.MAX_VALUE && bytes > heap) {
      throw new TorchworkException(what + " takes " + bytes(bytes) + " as numbers, more than Java's heap (" + bytes(heap) + "). Give"
          + " Java more (TORCHWORK_JAVA_OPTS=-Xmx" + Math.max(2, 2 * (bytes >> 30) + 1) + "g), train streaming it from disk a batch at a time (train --stream), or use fewer rows.");
    }
  }

  /**
   * This machine's memory.
   *
   * @return the bytes /proc/meminfo gives, or -1 when unknown
   */
  public static long machineMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      // unknown
    }
    return -1;
  }

  /** A byte count as people read it. */
  static String bytes(double b) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return u == 0 ? (long) b + " bytes" : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
  }
}
