package org.torchwork.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.data.NpyFiles;
import org.torchwork.data.RowCache;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Training on a file larger than the heap: an NPY array of float32 rows of 256 features (and its
 * labels, 10 classes from fixed random projections), trained on with {@code classif.mlp} (64
 * units, batch 1024, Adam, shuffled) either in memory (a heap large enough to hold it) or streamed
 * from its row cache (the cache built before the clock starts).
 *
 * <p>{@code Streaming prepare DIR MIB} writes {@code DIR/x.npy} of MIB mebibytes and
 * {@code DIR/y.npy}. {@code Streaming run DIR memory|stream ENGINE EPOCHS} prints one line:
 * {@code mode engine heap_mib file_mib rows_per_second(epoch 1,...) wait_share
 * rss_mib_after(epoch 1,...) peak_rss_mib}.
 */
public final class Streaming {
  static final int WIDTH = 256;

  private Streaming() {}

  /**
   * Prepares or runs.
   *
   * @param args see the class comment
   * @throws Exception when a step fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    if (args[0].equals("prepare")) {
      prepare(dir, Long.parseLong(args[2]));
      return;
    }
    String mode = args[2];
    String engine = args[3];
    int epochs = Integer.parseInt(args[4]);
    Path x = dir.resolve("x.npy");
    Path y = dir.resolve("y.npy");
    Task task = mode.equals("stream")
        ? RowCache.open(x, Map.of("labels", y.toString()), TaskType.CLASSIF).task()
        : NpyFiles.read(x, y, TaskType.CLASSIF);
    Platform platform = Platform.builder().build();
    platform.backends().get(engine).engine();
    Epochs clock = new Epochs();
    try (TorchLearner l = platform.learner("classif.mlp").set("epochs", epochs).set("batch_size", 1024).set("neurons", List.of(64))
        .set("dropout", 0).set("opt.lr", 0.001).set("seed", 1).set("engine", engine)) {
      l.callbacks(List.of(TorchCallback.of("epochs", Epochs.class, () -> clock)));
      l.out(new PrintStream(PrintStream.nullOutputStream()));
      l.train(task);
      double wait = l.model().dataFeed().map(f -> f.waitShare()).orElse(0.0);
      List<String> rate = new ArrayList<>();
      for (double s : clock.seconds) {
        rate.add(String.format(Locale.ROOT, "%.0f", task.nrow() / s));
      }
      System.out.println(String.format(Locale.ROOT, "%s %s %d %d %s %.4f %s %d", mode, engine, Runtime.getRuntime().maxMemory() >> 20,
          Files.size(x) >> 20, String.join(",", rate), wait,
          clock.rss.stream().map(String::valueOf).collect(Collectors.joining(",")), Bench.peakRssMib()));
    }
  }

  /** Each epoch's seconds and the resident memory after it. */
  public static final class Epochs extends CallbackSet {
    final List<Double> seconds = new ArrayList<>();
    final List<Long> rss = new ArrayList<>();
    private long start;

    /** Creates the clock. */
    public Epochs() {}

    @Override
    public void onEpochBegin(Context ctx) {
      start = System.nanoTime();
    }

    @Override
    public void onEpochEnd(Context ctx) {
      seconds.add((System.nanoTime() - start) / 1e9);
      try {
        rss.add(Bench.rssMib());
      } catch (IOException e) {
        rss.add(-1L);
      }
    }
  }

  /** Writes the features and labels: gaussian rows, the class the largest of ten fixed projections. */
  static void prepare(Path dir, long mib) throws IOException {
    Files.createDirectories(dir);
    long rows = (mib << 20) / (WIDTH * 4L);
    Random random = new Random(1);
    float[][] w = new float[10][16];
    for (float[] row : w) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    long[] labels = new long[(int) rows];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("x.npy")), 1 << 20)) {
      out.write(header("<f4", "(" + rows + ", " + WIDTH + ")"));
      ByteBuffer row = ByteBuffer.allocate(WIDTH * 4).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[WIDTH];
      for (int i = 0; i < rows; i++) {
        row.clear();
        for (int j = 0; j < WIDTH; j++) {
          v[j] = (float) random.nextGaussian();
          row.putFloat(v[j]);
        }
        double best = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 10; c++) {
          double s = 0;
          for (int j = 0; j < 16; j++) {
            s += w[c][j] * v[j];
          }
          if (s > best) {
            best = s;
            labels[i] = c;
          }
        }
        out.write(row.array());
      }
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("y.npy")))) {
      out.write(header("<i8", "(" + rows + ",)"));
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (long l : labels) {
        b.clear();
        out.write(b.putLong(l).array());
      }
    }
  }

  /** An NPY version 1.0 header, padded to 64 bytes as numpy.save writes it. */
  private static byte[] header(String descr, String shape) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    String text = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
    b.put(text.getBytes(StandardCharsets.ISO_8859_1));
    return b.array();
  }
}
