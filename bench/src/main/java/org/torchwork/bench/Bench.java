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
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * One training benchmark in this JVM, printed as one line: {@code job runner engine loop_seconds
 * process_seconds peak_rss_mib}.
 *
 * <p>Jobs: {@code synth} (100,000 x 20 rows, 3 classes, MLP 20-256-256-3 relu, Adam lr 0.01,
 * batch 256, 5 epochs, shuffled) and {@code tiny} (10,000 x 20 rows, MLP 20-16-3, batch 4, 1
 * epoch: 2,500 steps, where per-step overhead dominates).
 *
 * <p>Runners: {@code djl} (the loop a Java user writes with DJL's Trainer and its defaults),
 * {@code torchwork} (the Java API, no callbacks), {@code torchwork+callbacks} (the Java API with
 * the vignette's history, progress and custom_logger; for {@code tiny}, every catalog callback
 * that runs per batch: history, progress, timer, grad_clip, csv_logger, terminate_on_nan and
 * custom_logger; {@code -Dbench.callbacks=ID,...} chooses others), and {@code cli} / {@code cli+callbacks} (the same through {@code bin/torchwork
 * train} on the job's rows as a CSV file).
 *
 * <p>The loop's time is the epochs alone: for {@code djl} its loop, for the Java API from
 * {@code on_begin} to {@code on_end}, for the CLI the training time it reports (which includes
 * building the network). All run with the engine already loaded; the process time is the whole
 * JVM's, from its start, and includes making the data.
 */
public final class Bench {
  private Bench() {}

  /** The job's sizes. */
  record Job(String name, int rows, int features, int classes, int[] hidden, int batch, int epochs) {}

  static Job job(String name) {
    switch (name) {
      case "synth":
        return new Job("synth", 100_000, 20, 3, new int[] {256, 256}, 256, 5);
      case "tiny":
        return new Job("tiny", 10_000, 20, 3, new int[] {16}, 4, 1);
      default:
        throw new IllegalArgumentException("unknown job '" + name + "'; jobs: synth, tiny");
    }
  }

  /**
   * Runs one job.
   *
   * @param args job, runner, engine
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    long processStart = processStart();
    Job job = job(args[0]);
    String runner = args[1];
    String engine = args[2];
    float[] x = new float[job.rows() * job.features()];
    int[] y = new int[job.rows()];
    data(job, x, y);
    double seconds;
    long rss;
    if (runner.startsWith("cli")) {
      Cli.Result r = Cli.train(job, engine, x, y, runner.endsWith("+callbacks"));
      seconds = r.trainSeconds();
      rss = r.peakRssMib();
      // The CLI's process, not this one: it is the one a user waits for.
      System.out.println(String.format(Locale.ROOT, "%s %s %s %.3f %.3f %d", job.name(), runner, engine, seconds,
          r.processSeconds(), rss));
      return;
    }
    seconds = runner.equals("djl") ? djl(job, engine, x, y) : torchwork(job, engine, x, y, runner.endsWith("+callbacks"));
    double process = (System.currentTimeMillis() - processStart) / 1000.0;
    System.out.println(String.format(Locale.ROOT, "%s %s %s %.3f %.3f %d", job.name(), runner, engine, seconds, process,
        peakRssMib()));
  }

  static long processStart() {
    return ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(System.currentTimeMillis());
  }

  /** Rows of gaussian features; the class is the largest of three fixed random projections. */
  static void data(Job job, float[] x, int[] y) {
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

  /** The job's rows as a CSV file with a header: x0..x19, then y as class a, b or c. */
  static void writeCsv(Job job, float[] x, int[] y, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      for (int j = 0; j < job.features(); j++) {
        line.append('x').append(j).append(',');
      }
      w.write(line.append("y\n").toString());
      for (int i = 0; i < job.rows(); i++) {
        line.setLength(0);
        for (int j = 0; j < job.features(); j++) {
          line.append(x[i * job.features() + j]).append(',');
        }
        w.write(line.append((char) ('a' + y[i])).append('\n').toString());
      }
    }
  }

  /** The loop a Java user writes with DJL: a Trainer over a shuffled ArrayDataset, DJL's defaults. */
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
        return handWrittenEpochs(trainer, data, job.epochs());
      }
    }
  }

  /**
   * The epochs of the loop a Java user writes with DJL's Trainer.
   *
   * @return the seconds they took
   */
  static double handWrittenEpochs(Trainer trainer, ArrayDataset data, int epochs) throws java.io.IOException, ai.djl.translate.TranslateException {
    long start = System.nanoTime();
    for (int epoch = 0; epoch < epochs; epoch++) {
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

  /** Times the loop from on_begin to on_end; runs first. */
  public static final class Clock extends CallbackSet {
    long begin;
    long end;

    /** Creates the clock. */
    public Clock() {}

    @Override
    public void onBegin(Context ctx) {
      begin = System.nanoTime();
    }

    @Override
    public void onEnd(Context ctx) {
      end = System.nanoTime();
    }
  }

  /** The callbacks of the {@code +callbacks} runners. */
  static List<String> callbacks(Job job) {
    String chosen = System.getProperty("bench.callbacks");
    if (chosen != null) {
      return List.of(chosen.split(","));
    }
    return job.name().equals("tiny")
        ? List.of("history", "progress", "timer", "grad_clip", "csv_logger", "terminate_on_nan", "custom_logger")
        : List.of("history", "progress", "custom_logger");
  }

  /** The same job through Torchwork's Java API. */
  private static double torchwork(Job job, String engine, float[] x, int[] y, boolean withCallbacks) throws IOException {
    List<String> features = new ArrayList<>();
    for (int j = 0; j < job.features(); j++) {
      features.add("x" + j);
    }
    Task task = Task.classif("synth", "y", features, List.of("a", "b", "c"), x, y);
    Platform platform = Platform.builder().build();
    // Loaded before the clock starts, as the DJL loop's engine is, the way Torchwork loads it.
    platform.backends().get(engine).engine();
    List<Integer> neurons = new ArrayList<>();
    for (int units : job.hidden()) {
      neurons.add(units);
    }
    Clock clock = new Clock();
    List<TorchCallback> callbacks = new ArrayList<>();
    callbacks.add(TorchCallback.of("clock", Clock.class, () -> clock));
    Path dir = Files.createTempDirectory("bench");
    if (withCallbacks) {
      for (String id : callbacks(job)) {
        TorchCallback cb = platform.callback(id);
        switch (id) {
          case "progress":
            cb = cb.with("display", "plain");
            break;
          case "grad_clip":
            cb = cb.with("max_norm", 1.0);
            break;
          case "csv_logger":
            cb = cb.with("path", dir.resolve("log.csv").toString());
            break;
          default:
        }
        callbacks.add(cb);
      }
    }
    try (TorchLearner l = platform.learner("classif.mlp").set("epochs", job.epochs()).set("batch_size", job.batch())
        .set("neurons", neurons).set("dropout", 0).set("optimizer", "adam").set("opt.lr", 0.01).set("seed", 1)
        .set("engine", engine)) {
      l.callbacks(callbacks);
      l.out(new PrintStream(PrintStream.nullOutputStream()));
      l.train(task);
      return (clock.end - clock.begin) / 1e9;
    }
  }

  /** The process's peak resident memory, from /proc. */
  static long peakRssMib() throws IOException {
    return status("VmHWM:");
  }

  /** The process's resident memory now, from /proc. */
  static long rssMib() throws IOException {
    return status("VmRSS:");
  }

  private static long status(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
