package org.torchwork.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Memory over a 100-epoch run through the Java API with history, progress and custom_logger
 * (10,000 x 20 rows, MLP 20-256-256-3, batch 256: 4,000 steps), printed as one line:
 * {@code memory ENGINE peak_mib rss_after_epoch_1 rss_after_10 rss_after_50 rss_after_100}. The
 * resident size after epoch 1 against after epoch 100 says whether anything grows per epoch.
 * {@code -Dbench.arrays} also prints, every 10 epochs, the arrays the model's manager holds and
 * the Java heap in use.
 */
public final class Memory {
  private Memory() {}

  /** Records the process's resident memory after every epoch. */
  public static final class Rss extends CallbackSet {
    final List<Long> mib = new ArrayList<>();

    /** Creates the recorder. */
    public Rss() {}

    @Override
    public void onEpochEnd(Context ctx) {
      try {
        mib.add(Bench.rssMib());
        if (System.getProperty("bench.arrays") != null && ctx.epoch() % 10 == 0) {
          System.err.println("epoch " + ctx.epoch() + " rss " + Bench.rssMib() + " arrays " + ctx.model().getNDManager().getManagedArrays().size()
              + " heap " + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1 << 20));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * Runs the job.
   *
   * @param args the engine
   * @throws IOException when /proc cannot be read
   */
  public static void main(String[] args) throws IOException {
    String engine = args[0];
    Bench.Job job = new Bench.Job("memory", 10_000, 20, 3, new int[] {256, 256}, 256, 100);
    float[] x = new float[job.rows() * job.features()];
    int[] y = new int[job.rows()];
    Bench.data(job, x, y);
    List<String> features = new ArrayList<>();
    for (int j = 0; j < job.features(); j++) {
      features.add("x" + j);
    }
    Task task = Task.classif("memory", "y", features, List.of("a", "b", "c"), x, y);
    Platform platform = Platform.builder().build();
    Rss rss = new Rss();
    try (TorchLearner l = platform.learner("classif.mlp").set("epochs", job.epochs()).set("batch_size", job.batch())
        .set("neurons", List.of(256, 256)).set("dropout", 0).set("optimizer", "adam").set("opt.lr", 0.01).set("seed", 1)
        .set("engine", engine)) {
      l.callbacks(platform.callback("history"), platform.callback("progress").with("display", "plain"),
          platform.callback("custom_logger"), TorchCallback.of("rss", Rss.class, () -> rss));
      l.out(new PrintStream(PrintStream.nullOutputStream()));
      l.train(task);
    }
    System.out.println(String.format(Locale.ROOT, "memory %s %d %d %d %d %d", engine, Bench.peakRssMib(), rss.mib.get(0),
        rss.mib.get(9), rss.mib.get(49), rss.mib.get(99)));
  }
}
