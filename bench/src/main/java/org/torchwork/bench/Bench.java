package org.torchwork.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.torchwork.api.Task;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * One benchmark job in this JVM, printed as one line: {@code job runner engine train_seconds
 * process_seconds peak_rss_mib}. Jobs: {@code synth} (100,000 x 20 rows, 3 classes, MLP
 * 20-256-256-3 relu, Adam lr 0.01, batch 256, 5 epochs, shuffled) and {@code tiny} (10,000 x 20
 * rows, MLP 20-16-3, batch 4, 1 epoch: 2,500 steps, where per-step overhead dominates). Runners:
 * {@code djl} (the loop a Java user writes with DJL's Trainer), {@code torchwork} (Java API, no
 * callbacks) and {@code torchwork+callbacks} (history, progress, custom_logger). The training time
 * of {@code djl} is its loop; of Torchwork, {@code train()} (network set-up and the loop), both
 * with the engine already loaded.
 */
public final class Bench {
  private Bench() {}

  /** The job's sizes. */
  private record Job(String name, int rows, int features, int classes, int[] hidden, int batch, int epochs) {}

  private static Job job(String name) {
    return name.equals("tiny") ? new Job("tiny", 10_000, 20, 3, new int[] {16}, 4, 1)
        : new Job("synth", 100_000, 20, 3, new int[] {256, 256}, 256, 5);
  }

  /**
   * Runs one job.
   *
   * @param args job, runner, engine
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    long processStart = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(System.currentTimeMillis());
    Job job = job(args[0]);
    String runner = args[1];
    String engine = args[2];
    float[] x = new float[job.rows() * job.features()];
    int[] y = new int[job.rows()];
    data(job, x, y);
    double seconds = runner.equals("djl") ? djl(job, engine, x, y) : torchwork(job, engine, x, y, runner.endsWith("+callbacks"));
    double process = (System.currentTimeMillis() - processStart) / 1000.0;
    System.out.println(String.format(Locale.ROOT, "%s %s %s %.3f %.3f %d", job.name(), runner, engine, seconds, process,
        peakRssMib()));
  }

  /** Rows of gaussian features; the class is the largest of three fixed random projections. */
  private static void data(Job job, float[] x, int[] y) {
    Random random = new Random(1);
    float[][] w = new float[job.classes()][job.features()];
    for (float[] row : w) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextGaussian();
      }
    }
    for (int i = 0; i < job.rows(); i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < job.features(); j++) {
        x[i * job.features() + j] = (float) random.nextGaussian();
      }
      for (int c = 0; c < job.classes(); c++) {
        double score = 0;
        for (int j = 0; j < job.features(); j++) {
          score += w[c][j] * x[i * job.features() + j];
        }
        if (score > best) {
          best = score;
          y[i] = c;
        }
      }
    }
  }

  /** The loop a Java user writes with DJL: a Trainer over a shuffled ArrayDataset. */
  private static double djl(Job job, String engineId, float[] x, int[] y) throws IOException, TranslateException {
    String engineName = engineId.equals("mxnet") ? "MXNet" : "PyTorch";
    Engine.getEngine(engineName).setRandomSeed(1);
    try (Model model = Model.newInstance("mlp", Device.cpu(), engineName)) {
      SequentialBlock net = new SequentialBlock();
      for (int units : job.hidden()) {
        net.add(Linear.builder().setUnits(units).build()).add(Activation.reluBlock());
      }
      net.add(Linear.builder().setUnits(job.classes()).build());
      model.setBlock(net);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
          .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, job.features()));
        NDManager m = model.getNDManager();
        float[] labels = new float[y.length];
        for (int i = 0; i < y.length; i++) {
          labels[i] = y[i];
        }
        ArrayDataset data = new ArrayDataset.Builder().setData(m.create(x, new Shape(job.rows(), job.features())))
            .optLabels(m.create(labels)).setSampling(job.batch(), true).build();
        long start = System.nanoTime();
        for (int epoch = 0; epoch < job.epochs(); epoch++) {
          for (Batch batch : trainer.iterateDataset(data)) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDList prediction = trainer.forward(batch.getData());
              NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), prediction);
              collector.backward(loss);
            }
            trainer.step();
            batch.close();
          }
        }
        return (System.nanoTime() - start) / 1e9;
      }
    }
  }

  /** The same job through Torchwork's Java API. */
  private static double torchwork(Job job, String engine, float[] x, int[] y, boolean callbacks) {
    List<String> features = new ArrayList<>();
    for (int j = 0; j < job.features(); j++) {
      features.add("x" + j);
    }
    List<String> classes = List.of("a", "b", "c");
    // Loaded before the clock starts, as the DJL loop's engine is.
    Engine.getEngine(engine.equals("mxnet") ? "MXNet" : "PyTorch");
    Task task = Task.classif("synth", "y", features, classes, x, y);
    Platform platform = Platform.builder().build();
    List<Integer> neurons = new ArrayList<>();
    for (int units : job.hidden()) {
      neurons.add(units);
    }
    try (TorchLearner l = platform.learner("classif.mlp").set("epochs", job.epochs()).set("batch_size", job.batch())
        .set("neurons", neurons).set("dropout", 0).set("optimizer", "adam").set("opt.lr", 0.01).set("seed", 1)
        .set("engine", engine)) {
      if (callbacks) {
        l.callbacks(platform.callback("history"), platform.callback("progress").with("display", "plain"),
            platform.callback("custom_logger"));
        l.out(new PrintStream(PrintStream.nullOutputStream()));
      }
      long start = System.nanoTime();
      l.train(task);
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** The process's peak resident memory, from /proc. */
  private static long peakRssMib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
