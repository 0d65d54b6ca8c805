package org.torchwork.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.RowCache;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * Fashion-MNIST (Debian's {@code dataset-fashion-mnist}) with a small convolutional network, in
 * this JVM, printed as one line: {@code job runner engine epoch_seconds process_seconds
 * peak_rss_mib test_accuracy wait_share}.
 *
 * <p>The network is PyTorch's MNIST example, {@code classif.cnn}'s defaults: two 3 x 3
 * convolutions of 32 and 64 channels with ReLU, 2 x 2 max pooling, dropout 0.25, a dense layer of
 * 128 with ReLU, dropout 0.5, and the output layer; Adam at 0.001, batch 128, shuffled, seed 1.
 *
 * <p>Jobs: {@code epoch} (the 60,000 training images, {@code EPOCHS} epochs, 1 by default, for
 * the time per epoch), {@code plain} (10 epochs, for the accuracy on the 10,000 test images) and
 * {@code bn-flip} (10 epochs with batch normalization after each convolution, random horizontal
 * flips, dense dropout 0.25 and the 1cycle schedule peaking at 0.003: {@link #BN_FLIP}). Runners: {@code djl} (the loop a Java user writes with DJL's Trainer over a
 * shuffled ArrayDataset, the same network built from DJL's blocks), {@code torchwork} (the Java
 * API, the images in memory) and {@code stream} (the Java API, the images streamed from their
 * row cache, built before the clock starts). The epoch time is the loop's time over the epochs;
 * the process time is the whole JVM's, reading the data included.
 */
public final class Images {
  /**
   * The bn-flip job's settings besides batch normalization and flips. At a constant 0.001 with the
   * default dropout the network scored 0.919, below the plain one: flips and two dropouts left it
   * short of fitting in 10 epochs.
   */
  static final String[] BN_FLIP = {"dropout=0.25", "callbacks=lr_one_cycle", "cb.lr_one_cycle.max_lr=0.003"};

  static final Path FASHION = Path.of(System.getProperty("bench.fashion", "/usr/share/datasets/fashion-mnist"));

  private Images() {}

  /**
   * Runs one job.
   *
   * @param args job, runner, engine, then learner settings as {@code key=value} ({@code
   *     callbacks=lr_one_cycle,...} adds callbacks by id)
   * @throws Exception when the run fails
   */
  public static void main(String[] args) throws Exception {
    long processStart = Bench.processStart();
    if (args[0].equals("cache")) {
      // Builds the row cache the streamed runner reads, before any clock starts.
      RowCache.open(FASHION.resolve("train-images-idx3-ubyte.gz"), Map.of(), null);
      return;
    }
    String job = args[0];
    String runner = args[1];
    String engine = args[2];
    int epochs = job.equals("epoch") ? Integer.getInteger("bench.epochs", 1) : 10;
    Path trainFile = FASHION.resolve("train-images-idx3-ubyte.gz");
    Task test = IdxFiles.read(FASHION.resolve("t10k-images-idx3-ubyte.gz"), null);
    double[] result;
    if (runner.equals("djl")) {
      result = djl(IdxFiles.read(trainFile, null), test, engine, epochs, job.equals("bn-flip"));
    } else {
      Task train = runner.equals("stream") ? RowCache.open(trainFile, Map.of(), null).task() : IdxFiles.read(trainFile, null);
      result = torchwork(train, test, engine, epochs, job.equals("bn-flip"), Arrays.copyOfRange(args, 3, args.length));
    }
    double process = (System.currentTimeMillis() - processStart) / 1000.0;
    System.out.println(String.format(Locale.ROOT, "%s %s %s %.3f %.3f %d %.4f %.4f", job, runner, engine, result[0] / epochs, process,
        Bench.peakRssMib(), result[1], result[2]));
  }

  /** Loop seconds, test accuracy, share of the run waiting for data, through the Java API. */
  private static double[] torchwork(Task train, Task test, String engine, int epochs, boolean bnFlip, String[] settings) {
    Platform platform = Platform.builder().build();
    platform.backends().get(engine).engine();
    Bench.Clock clock = new Bench.Clock();
    try (TorchLearner l = platform.learner("classif.cnn").set("epochs", epochs).set("batch_size", 128).set("opt.lr", 0.001)
        .set("seed", 1).set("engine", engine)) {
      if (bnFlip) {
        l.set("batch_norm", true).set("augment_flip", true);
        settings = Stream.concat(Arrays.stream(BN_FLIP), Arrays.stream(settings)).toArray(String[]::new);
      }
      List<TorchCallback> callbacks = new ArrayList<>(List.of(TorchCallback.of("clock", Bench.Clock.class, () -> clock)));
      for (String setting : settings) {
        if (setting.startsWith("callbacks=")) {
          Arrays.stream(setting.substring(10).split(",")).map(platform::callback).forEach(callbacks::add);
        }
      }
      l.callbacks(callbacks);
      for (String setting : settings) {
        String key = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(setting.indexOf('=') + 1);
        if (!key.equals("callbacks")) {
          l.set(key, value.matches("-?[0-9.]+([eE][+-]?[0-9]+)?") ? (Object) Double.valueOf(value) : value);
        }
      }
      l.out(new PrintStream(PrintStream.nullOutputStream()));
      l.train(train);
      double acc = l.predict(test).score(platform.measure("classif.acc"));
      double wait = l.model().dataFeed().map(f -> f.waitShare()).orElse(0.0);
      return new double[] {(clock.end - clock.begin) / 1e9, acc, wait};
    }
  }

  /** The same network, data and optimizer in the loop a Java user writes with DJL. */
  private static double[] djl(Task train, Task test, String engineId, int epochs, boolean bnFlip) throws Exception {
    if (bnFlip) {
      throw new IllegalArgumentException("the hand-written loop runs the plain network only");
    }
    String engineName = engineId.equals("mxnet") ? "MXNet" : "PyTorch";
    Engine.getEngine(engineName).setRandomSeed(1);
    int n = train.nrow();
    int p = train.nfeatures();
    float[] x = new float[n * p];
    float[] labels = new float[n];
    int[] all = new int[n];
    java.util.Arrays.setAll(all, i -> i);
    train.copyFeatures(all, 0, n, x);
    train.copyTargets(all, 0, n, labels);
    try (Model model = Model.newInstance("cnn", Device.cpu(), engineName)) {
      SequentialBlock net = new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build()).add(Activation.reluBlock())
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build()).add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(Dropout.builder().optRate(0.25f).build())
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
          .add(Dropout.builder().optRate(0.5f).build())
          .add(Linear.builder().setUnits(10).build());
      model.setBlock(net);
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.001f)).build())
          .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, 1, 28, 28));
        NDManager m = model.getNDManager();
        ArrayDataset data = new ArrayDataset.Builder().setData(m.create(x, new Shape(n, 1, 28, 28)))
            .optLabels(m.create(labels)).setSampling(128, true).build();
        double seconds = Bench.handWrittenEpochs(trainer, data, epochs);
        return new double[] {seconds, accuracy(net, test, m), 0};
      }
    }
  }

  /** The share of the test images whose largest output is their class. */
  private static double accuracy(SequentialBlock net, Task test, NDManager parent) {
    int n = test.nrow();
    int p = test.nfeatures();
    int[] all = new int[n];
    java.util.Arrays.setAll(all, i -> i);
    int right = 0;
    for (int from = 0; from < n; from += 1000) {
      int to = Math.min(n, from + 1000);
      float[] x = new float[(to - from) * p];
      test.copyFeatures(all, from, to, x);
      try (NDManager m = parent.newSubManager()) {
        NDArray out = net.forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(to - from, 1, 28, 28))), false)
            .singletonOrThrow();
        long[] predicted = out.argMax(1).toLongArray();
        for (int i = 0; i < predicted.length; i++) {
          if (predicted[i] == (long) test.target(from + i)) {
            right++;
          }
        }
      }
    }
    return (double) right / n;
  }
}
