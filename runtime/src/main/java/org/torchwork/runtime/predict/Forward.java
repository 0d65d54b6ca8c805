package org.torchwork.runtime.predict;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Preprocessing;
import org.torchwork.data.Splits;
import org.torchwork.data.Standardization;

/**
 * A trained network run forward in prediction mode (dropout off, no gradients), a batch of rows at
 * a time: features prepared ({@link Preprocessing}) and standardized as in training, outputs
 * turned into class probabilities (softmax) or values. Each batch's arrays live in a scope of
 * their own, so memory stays flat however many rows are predicted.
 */
public final class Forward {
  private final Model network;
  private final Device device;
  private final TaskType type;
  private final Preprocessing preprocessing;
  private final List<String> classes;
  private final Standardization standardization;

  /**
   * Prepares to predict.
   *
   * @param network the trained network
   * @param device the device it is on
   * @param type the task type it was trained for
   * @param preprocessing how features become its inputs
   * @param classes the class labels in output order; empty for regression
   * @param standardization the training data's standardization (of the encoded inputs), or null
   */
  public Forward(Model network, Device device, TaskType type, Preprocessing preprocessing, List<String> classes,
      Standardization standardization) {
    this.network = network;
    this.device = device;
    this.type = type;
    this.preprocessing = preprocessing;
    this.classes = List.copyOf(classes);
    this.standardization = standardization;
  }

  /**
   * How features become the network's inputs.
   *
   * @return the preprocessing
   */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /**
   * Predicts rows.
   *
   * @param x row-major encoded inputs ({@link Preprocessing#encodeRow}), {@code rows} times the
   *     preprocessing's width at least; standardized in place
   * @param rows the number of rows
   * @param truth each row's truth (class index or value, NaN where unknown), or null when there
   *     is none; copied
   * @return the prediction
   */
  public Prediction batch(float[] x, int rows, float[] truth) {
    if (standardization != null) {
      standardization.apply(x, rows);
    }
    int p = preprocessing.width();
    try (NDManager scope = network.getNDManager().newSubManager(device)) {
      NDArray data = scope.create(FloatBuffer.wrap(x, 0, rows * p), new Shape(preprocessing.batch(rows)));
      NDList out = network.getBlock().forward(new ParameterStore(scope, false), new NDList(data), false);
      return toPrediction(type, classes, out.singletonOrThrow(), truth == null ? null : Arrays.copyOf(truth, rows));
    }
  }

  /**
   * Turns a network's output into a prediction: softmax probabilities for classification, the
   * values for regression.
   *
   * @param type the task type
   * @param classes the class labels
   * @param output the network's output for a batch
   * @param truth the batch's truth, kept; null when unknown
   * @return the prediction
   */
  public static Prediction toPrediction(TaskType type, List<String> classes, NDArray output, float[] truth) {
    if (type == TaskType.CLASSIF) {
      return Prediction.classif(classes, truth, output.softmax(-1).toFloatArray());
    }
    return Prediction.regr(truth, output.toFloatArray());
  }

  /**
   * Predicts a task, its features matched by name (in any order; extra ones are ignored). A task
   * with a target keeps it as the truth, so the prediction can be scored.
   *
   * @param task the task
   * @param batchSize rows per forward pass
   * @return the prediction
   * @throws TorchworkException when a feature is missing or not finite, or the target does not
   *     fit the model
   */
  public Prediction predict(Task task, int batchSize) {
    return predict(task, batchSize, null);
  }

  /**
   * Predicts a task ({@link #predict(Task, int)}), counting the levels of categorical features
   * that training never saw (they are predicted as missing).
   *
   * @param task the task
   * @param batchSize rows per forward pass
   * @param unseen receives, by feature, each unseen level's row count; may be null
   * @return the prediction
   */
  public Prediction predict(Task task, int batchSize, Map<String, Map<String, Long>> unseen) {
    if (task.nrow() == 0) {
      throw new TorchworkException("Task '" + task.id() + "' has no rows to predict.");
    }
    int[] truthCode = truthCodes(task);
    Task encoded = preprocessing.encode(task, "Task", unseen);
    int p = preprocessing.width();
    int size = Math.min(batchSize, task.nrow());
    float[] x = new float[size * p];
    float[] truth = truthCode == null ? null : new float[size];
    int[] order = Splits.identity(task.nrow());
    List<Prediction> parts = new ArrayList<>();
    for (int start = 0; start < task.nrow(); start += size) {
      int rows = Math.min(size, task.nrow() - start);
      encoded.copyFeatures(order, start, start + rows, x);
      if (truth != null) {
        for (int i = 0; i < rows; i++) {
          truth[i] = type == TaskType.CLASSIF ? classCode(task, start + i, truthCode) : task.target(start + i);
        }
      }
      parts.add(batch(x, rows, truth));
    }
    return Prediction.concat(parts);
  }

  private float classCode(Task task, int row, int[] codes) {
    int code = codes[(int) task.target(row)];
    if (code < 0) {
      throw new TorchworkException("Task '" + task.id() + "' row " + (row + 1) + " has class '" + task.classes().get((int) task.target(row))
          + "', which the model never saw (it knows " + String.join(", ", classes) + "), so the truth cannot be scored. Remove"
          + " the rows of unseen classes, or predict the features alone (Task.unlabeled).");
    }
    return code;
  }

  /**
   * For a task with a target: each of its class indices as the model's (-1 for a class the model
   * does not know) (for regression, an empty
   * array). Null for a task without a target.
   */
  private int[] truthCodes(Task task) {
    if (!task.hasTarget()) {
      return null;
    }
    if (task.type() != type) {
      throw new TorchworkException("Task '" + task.id() + "' is a " + task.type() + " task but the model predicts " + type
          + ". Predict a " + type + " task, or a task without a target.");
    }
    if (type == TaskType.REGR) {
      return new int[0];
    }
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      index.put(classes.get(c), c);
    }
    int[] codes = new int[task.classes().size()];
    for (int c = 0; c < codes.length; c++) {
      codes[c] = index.getOrDefault(task.classes().get(c), -1);
    }
    return codes;
  }
}
