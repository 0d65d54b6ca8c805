package org.torchwork.runtime.export;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.torchwork.api.Prediction;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.data.Standardization;
import org.torchwork.runtime.store.AtomicFiles;
import org.torchwork.runtime.store.Folders;
import org.torchwork.runtime.store.ModelFiles;

/**
 * Export in a format of choice, and the proof that the file predicts as the model does: the
 * written file is loaded back by the PyTorch engine (when it is installed) and run on seeded
 * probe rows beside the model before it takes its place; a file that differs is never kept, and
 * a file that was there before stays as it was.
 */
public final class Exporter {
  /** The formats that cannot be written, with why not. */
  private static final Map<String, String> IMPOSSIBLE = Map.of(
      "mxnet", "MXNet serves symbolic models (a -symbol.json graph beside the parameters), and a network built in Java with"
          + " DJL is imperative: DJL cannot trace it into an MXNet symbol. A model trained on MXNet exports to TorchScript"
          + " all the same (its weights are engine-neutral)",
      "onnx", "DJL cannot write ONNX. Export to TorchScript, then convert it with torch.onnx.export in Python if you need ONNX",
      "djl", "a network built in Java with DJL is loaded by DJL only with the Java code that builds it; the model folder"
          + " that train --save writes already holds DJL's parameter file (network.params) for that. To serve without"
          + " Torchwork's code, export to TorchScript, which DJL Serving's PyTorch engine loads as it is");
  /** How many probe rows the check runs. */
  public static final int PROBE_ROWS = 64;
  private static final double TOLERANCE = 1e-4;

  private Exporter() {}

  /**
   * Exports a model.
   *
   * @param network the trained network
   * @param manager a manager on the network's engine
   * @param learner the learner's id, for messages
   * @param type the task type
   * @param features the feature names, in order
   * @param classes the class labels; empty for regression
   * @param standardization the model's standardization, or null
   * @param fill what replaces each feature's missing value, or null when the model imputes nothing
   * @param dims the shape the network takes each row in; one size for flat rows
   * @param file the file to write
   * @param format {@code torchscript}; others are refused, saying why
   * @param model the model's own predictions of rows of features, to compare with
   * @return the largest difference between the file's outputs and the model's on the probe rows;
   *     NaN when the PyTorch engine is not installed to check
   * @throws TorchworkException when the format cannot be written, a block has no form in it, or
   *     the file does not predict as the model does
   */
  public static double export(Block network, NDManager manager, String learner, TaskType type, List<String> features,
      List<String> classes, Standardization standardization, float[] fill, List<Integer> dims, Path file, String format,
      Function<double[][], Prediction> model) {
    String f = format.toLowerCase(Locale.ROOT);
    if (IMPOSSIBLE.containsKey(f)) {
      throw new TorchworkException("Export format '" + format + "' cannot be written: " + IMPOSSIBLE.get(f) + ". Use --format torchscript.");
    }
    if (!f.equals("torchscript")) {
      throw new TorchworkException("Unknown export format '" + format + "'." + Names.didYouMean(f, List.of("torchscript"))
          + " Formats: torchscript (mxnet, onnx and djl cannot be written; export says why).");
    }
    AtomicFiles.requireReplaceable(file, "Export file", "Give a file name, e.g. model.pt.");
    Folders.refuseInside(file, ModelFiles.KIND, "Export file");
    AtomicFiles.Content archive = TorchScript.archive(network, manager, learner, type, features, classes, standardization, fill, dims);
    Engine pytorch;
    try {
      pytorch = Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      pytorch = null;
    }
    double[][] probe = probe(features.size(), standardization, fill != null);
    Prediction mine = model.apply(probe);
    double[] difference = {Double.NaN};
    Engine engine = pytorch;
    try {
      // The file takes the target's place only once libtorch has run it as the model runs.
      AtomicFiles.write(file, archive, engine == null ? null : written -> difference[0] = check(written, engine, probe, mine, type,
          classes.size()));
    } catch (IOException e) {
      throw new TorchworkException("Export file " + file + " could not be written: " + e + ". Check that you can write there.", e);
    }
    return difference[0];
  }

  /** The largest difference between the written file's outputs and the model's; refuses a file that differs. */
  private static double check(Path written, Engine pytorch, double[][] probe, Prediction mine, TaskType type, int classes) {
    double difference;
    try {
      difference = difference(mine, run(written, pytorch, probe), type, classes);
    } catch (RuntimeException | IOException | MalformedModelException e) {
      throw new TorchworkException("The TorchScript file written for this model could not be loaded back by PyTorch (" + e
          + "); it was not kept. This is a bug in Torchwork's export: please report it with the model's model.json.", e);
    }
    if (!(difference <= TOLERANCE)) {
      throw new TorchworkException("The TorchScript file written for this model predicts differently from it (by up to "
          + difference + " on probe rows), so it was not kept. The network has a block whose TorchScript translation is not"
          + " exact; serve this model with Torchwork itself (TrainedModel.load and predict).");
    }
    return difference;
  }

  /**
   * Seeded rows around the training data's centre (its standardization), or around 0; with
   * {@code missing}, every fourth row misses one value (NaN), to check the imputation.
   */
  private static double[][] probe(int p, Standardization standardization, boolean missing) {
    Random random = new Random(42);
    double[][] probe = new double[PROBE_ROWS][p];
    for (int i = 0; i < probe.length; i++) {
      double[] row = probe[i];
      for (int j = 0; j < p; j++) {
        double mean = standardization == null ? 0 : standardization.mean()[j];
        double scale = standardization == null ? 1 : standardization.scale()[j];
        row[j] = (float) (mean + scale * random.nextGaussian());
      }
      if (missing && i % 4 == 3) {
        row[(i / 4) % p] = Double.NaN;
      }
    }
    return probe;
  }

  /** The file's outputs for the probe rows, computed by libtorch. */
  private static float[] run(Path file, Engine pytorch, double[][] probe) throws IOException, MalformedModelException {
    int p = probe[0].length;
    float[] x = new float[probe.length * p];
    for (int i = 0; i < probe.length; i++) {
      for (int j = 0; j < p; j++) {
        x[i * p + j] = (float) probe[i][j];
      }
    }
    try (Model loaded = Model.newInstance("torchscript", Device.cpu(), pytorch.getEngineName());
        NDManager scope = loaded.getNDManager().newSubManager()) {
      loaded.load(file.toAbsolutePath());
      NDArray in = scope.create(x, new Shape(probe.length, p));
      return loaded.getBlock().forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow().toFloatArray();
    }
  }

  private static double difference(Prediction mine, float[] theirs, TaskType type, int classes) {
    int k = type == TaskType.CLASSIF ? classes : 1;
    double max = 0;
    for (int i = 0; i < mine.nrow(); i++) {
      for (int c = 0; c < k; c++) {
        double ours = type == TaskType.CLASSIF ? mine.prob(i, c) : mine.response(i);
        double other = theirs[i * k + c];
        max = Math.max(max, Double.isNaN(other) ? Double.POSITIVE_INFINITY : Math.abs(other - ours));
      }
    }
    return max;
  }

}
