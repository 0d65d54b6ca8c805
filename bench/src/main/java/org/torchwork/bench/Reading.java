package org.torchwork.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TaskType;
import org.torchwork.data.CsvTable;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Reading and training on tables, one measurement per JVM, printed as one line.
 *
 * <ul>
 *   <li>{@code generate DIR ROWS}: writes {@code numeric.csv} (20 numeric features), {@code mixed.csv}
 *       (12 numeric features, 3 numeric with 5% of cells empty, 5 categorical with 4 levels) and
 *       {@code wide.csv} (35 numeric features: the mixed table's encoded width), each with a
 *       class target, ROWS rows, from a fixed seed.
 *   <li>{@code read READER FILE}: reads the file with {@code handwritten} (the reader Torchwork
 *       had before its data module) or {@code table} ({@link CsvTable}) into a task, and prints
 *       {@code read READER FILE ROWS FEATURES SECONDS NS_PER_CELL PEAK_LIVE_MIB PEAK_USED_MIB
 *       MATRIX_MIB}: the heap in use after the fullest collection during the read and at any moment
 *       (both less the heap in use before), and the size of the float matrix produced.
 *   <li>{@code train FILE ROWS EPOCHS}: reads the first ROWS rows, trains {@code classif.mlp}
 *       (64 units, batch 256, Adam, PyTorch) and prints {@code train FILE WIDTH ROWS SECONDS
 *       ROWS_PER_SECOND LOOP_SECONDS LOOP_ROWS_PER_SECOND}: the training timed with the rows'
 *       preparation (imputation, encoding) and without it (from on_begin to on_end).
 * </ul>
 */
public final class Reading {
  private static final String[] LEVELS = {"alpha", "beta", "gamma", "delta"};

  private Reading() {}

  /**
   * Runs one measurement.
   *
   * @param args see the class comment
   * @throws Exception when it fails
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate":
        generate(Path.of(args[1]), Integer.parseInt(args[2]));
        break;
      case "read":
        read(args[1], Path.of(args[2]));
        break;
      case "train":
        train(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }

  private static void generate(Path dir, int rows) throws IOException {
    Files.createDirectories(dir);
    Random r = new Random(42);
    try (BufferedWriter numeric = Files.newBufferedWriter(dir.resolve("numeric.csv"), StandardCharsets.UTF_8);
        BufferedWriter mixed = Files.newBufferedWriter(dir.resolve("mixed.csv"), StandardCharsets.UTF_8);
        BufferedWriter wide = Files.newBufferedWriter(dir.resolve("wide.csv"), StandardCharsets.UTF_8)) {
      numeric.write(header("x", 20, ""));
      wide.write(header("w", 35, ""));
      mixed.write(header("n", 12, ",m1,m2,m3,c1,c2,c3,c4,c5"));
      StringBuilder a = new StringBuilder();
      StringBuilder b = new StringBuilder();
      StringBuilder c = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        a.setLength(0);
        b.setLength(0);
        c.setLength(0);
        double signal = 0;
        for (int j = 0; j < 20; j++) {
          double v = r.nextGaussian();
          signal += j < 3 ? v : 0;
          a.append(format(v)).append(',');
        }
        for (int j = 0; j < 15; j++) {
          double v = r.nextGaussian();
          b.append(j >= 12 && r.nextDouble() < 0.05 ? "" : format(v)).append(',');
        }
        for (int j = 0; j < 5; j++) {
          b.append(LEVELS[r.nextInt(LEVELS.length)]).append(',');
        }
        for (int j = 0; j < 35; j++) {
          c.append(format(r.nextGaussian())).append(',');
        }
        String label = signal > 0.5 ? "high" : signal < -0.5 ? "low" : "mid";
        numeric.write(a.append(label).append('\n').toString());
        mixed.write(b.append(label).append('\n').toString());
        wide.write(c.append(label).append('\n').toString());
      }
    }
  }

  private static String header(String prefix, int n, String more) {
    StringBuilder h = new StringBuilder();
    for (int j = 1; j <= n; j++) {
      h.append(j > 1 ? "," : "").append(prefix).append(j);
    }
    return h.append(more).append(",y\n").toString();
  }

  /** Six significant digits, as most exported tables have. */
  private static String format(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }

  private static void read(String reader, Path file) throws Exception {
    System.gc();
    long before = used();
    AtomicLong peakLive = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          long after = 0;
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
          for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
            after += u.getUsed();
          }
          peakLive.accumulateAndGet(after, Math::max);
        }
      }, null, null);
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    long start = System.nanoTime();
    Task task = reader.equals("handwritten") ? handWritten(file) : CsvTable.of(file).target("y").task(TaskType.CLASSIF);
    double seconds = (System.nanoTime() - start) / 1e9;
    long peakUsed = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakUsed += pool.getPeakUsage().getUsed();
      }
    }
    System.gc();
    peakLive.accumulateAndGet(used(), Math::max);
    long cells = (long) task.nrow() * (task.nfeatures() + 1);
    double matrix = (double) task.nrow() * task.nfeatures() * Float.BYTES / (1 << 20);
    System.out.println(String.format(Locale.ROOT, "read %s %s %d %d %.3f %.1f %.0f %.0f %.0f", reader, file.getFileName(), task.nrow(),
        task.nfeatures(), seconds, seconds * 1e9 / cells, (peakLive.get() - before) / 1048576.0, (peakUsed - before) / 1048576.0,
        matrix));
  }

  private static long used() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  /** The previous reader's path from file to task, as it was. */
  private static Task handWritten(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file); HandWrittenCsv csv = new HandWrittenCsv(in, "Task file " + file)) {
      List<String> header = csv.header();
      int targetCol = csv.columns(List.of("y"), "", "")[0];
      List<String> features = new ArrayList<>(header);
      features.remove(targetCol);
      int[] featureCols = new int[features.size()];
      for (int col = 0, f = 0; col < header.size(); col++) {
        if (col != targetCol) {
          featureCols[f++] = col;
        }
      }
      HandWrittenCsv.Floats x = new HandWrittenCsv.Floats();
      HandWrittenCsv.Floats y = new HandWrittenCsv.Floats();
      Map<String, Integer> codes = new HashMap<>();
      List<String> labels = new ArrayList<>();
      while (csv.next() != null) {
        for (int col : featureCols) {
          x.add(csv.number(col, "feature"));
        }
        y.add(codes.computeIfAbsent(csv.text(targetCol), l -> {
          labels.add(l);
          return labels.size() - 1;
        }));
      }
      float[] codesAsFloats = y.toArray();
      int[] classes = new int[codesAsFloats.length];
      for (int i = 0; i < classes.length; i++) {
        classes[i] = (int) codesAsFloats[i];
      }
      return Task.classif("t", "y", features, labels, x.toArray(), classes);
    }
  }

  private static void train(Path file, int rows, int epochs) {
    Task all = CsvTable.of(file).target("y").task(TaskType.CLASSIF);
    int[] first = new int[Math.min(rows, all.nrow())];
    for (int i = 0; i < first.length; i++) {
      first[i] = i;
    }
    Task task = all.subset("t", first);
    try (TorchLearner l = Platform.builder().build().learner("classif.mlp").set("epochs", epochs).set("batch_size", 256)
        .set("neurons", List.of(64)).set("seed", 1).set("engine", "pytorch")
        .callbacks(TorchCallback.builder("loop_clock", LoopClock.class).build(p -> new LoopClock()))) {
      long start = System.nanoTime();
      l.train(task);
      double seconds = (System.nanoTime() - start) / 1e9;
      double loop = LoopClock.seconds;
      int width = l.model().preprocessing().width();
      System.out.println(String.format(Locale.ROOT, "train %s %d %d %.3f %.0f %.3f %.0f", file.getFileName(), width, task.nrow(), seconds,
          (double) task.nrow() * epochs / seconds, loop, (double) task.nrow() * epochs / loop));
    }
  }

  /** The time from on_begin to on_end: the loop alone, without preparing the rows. */
  public static final class LoopClock extends CallbackSet {
    static double seconds;
    private long begin;

    /** Creates the clock. */
    public LoopClock() {}

    @Override
    public void onBegin(Context ctx) {
      begin = System.nanoTime();
    }

    @Override
    public void onEnd(Context ctx) {
      seconds = (System.nanoTime() - begin) / 1e9;
    }
  }
}
