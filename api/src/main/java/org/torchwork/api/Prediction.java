package org.torchwork.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predictions for the rows of a task, with the truth, ready to be scored by {@link Measure}s.
 *
 * <p>For classification, {@link #response(int)} and {@link #truth(int)} are class indices
 * into {@link #classes()} and {@link #prob(int, int)} holds class probabilities; for regression
 * they are values and there are no probabilities. A prediction of data without a target has no
 * truth ({@link #hasTruth()}): it can be read but not scored.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class Prediction {
  private final TaskType type;
  private final List<String> classes;
  private final float[] truth;
  private final float[] response;
  private final float[] prob;
  private final boolean hasTruth;

  private Prediction(TaskType type, List<String> classes, float[] truth, float[] response, float[] prob) {
    if (truth == null) {
      truth = new float[response.length];
      Arrays.fill(truth, Float.NaN);
      this.hasTruth = false;
    } else {
      this.hasTruth = true;
    }
    if (truth.length != response.length) {
      throw new IllegalArgumentException(truth.length + " truth values but " + response.length + " responses");
    }
    if (prob != null && prob.length != truth.length * classes.size()) {
      throw new IllegalArgumentException(prob.length + " probabilities for " + truth.length + " rows and " + classes.size() + " classes");
    }
    this.type = type;
    this.classes = List.copyOf(classes);
    this.truth = truth;
    this.response = response;
    this.prob = prob;
  }

  /**
   * A classification prediction from class probabilities; the response is the most probable
   * class (the first on ties).
   *
   * @param classes the class labels
   * @param truth each row's true class index; null when the truth is not known
   * @param prob row-major probabilities, {@code rows * classes.size()} values; the array is
   *     kept, not copied
   * @return the prediction
   */
  public static Prediction classif(List<String> classes, float[] truth, float[] prob) {
    int k = classes.size();
    float[] response = new float[prob.length / k];
    for (int i = 0; i < response.length; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (prob[i * k + c] > prob[i * k + best]) {
          best = c;
        }
      }
      response[i] = best;
    }
    return new Prediction(TaskType.CLASSIF, classes, truth, response, prob);
  }

  /**
   * A regression prediction.
   *
   * @param truth each row's true value, kept, not copied; null when the truth is not known
   * @param response each row's predicted value; kept, not copied
   * @return the prediction
   */
  public static Prediction regr(float[] truth, float[] response) {
    return new Prediction(TaskType.REGR, List.of(), truth, response, null);
  }

  /**
   * Classification or regression.
   *
   * @return the type
   */
  public TaskType type() {
    return type;
  }

  /**
   * The class labels; empty for regression.
   *
   * @return an unmodifiable list
   */
  public List<String> classes() {
    return classes;
  }

  /**
   * The number of rows predicted.
   *
   * @return the row count
   */
  public int nrow() {
    return truth.length;
  }

  /**
   * Whether the truth is known, so that the prediction can be scored.
   *
   * @return false for a prediction of data without a target
   * @since 0.2
   */
  public boolean hasTruth() {
    return hasTruth;
  }

  /**
   * A row's true class index or value.
   *
   * @param row the row
   * @return the truth; NaN when it is not known
   */
  public float truth(int row) {
    return truth[row];
  }

  /**
   * A row's predicted class index or value.
   *
   * @param row the row
   * @return the response
   */
  public float response(int row) {
    return response[row];
  }

  /**
   * A row's predicted label: the class label for classification, the value as text for
   * regression.
   *
   * @param row the row
   * @return the label
   */
  public String responseLabel(int row) {
    return type == TaskType.CLASSIF ? classes.get((int) response[row]) : Float.toString(response[row]);
  }

  /**
   * Whether class probabilities are available.
   *
   * @return true for classification predictions
   */
  public boolean hasProb() {
    return prob != null;
  }

  /**
   * The predicted probability of a class for a row.
   *
   * @param row the row
   * @param classIndex the class index
   * @return the probability
   * @throws IllegalStateException for regression predictions
   */
  public float prob(int row, int classIndex) {
    if (prob == null) {
      throw new IllegalStateException("A regression prediction has no class probabilities.");
    }
    return prob[row * classes.size() + classIndex];
  }

  /**
   * Scores the prediction.
   *
   * @param measure the measure
   * @return the score
   * @throws TorchworkException when the measure is for another task type, or the truth is not
   *     known
   */
  public double score(Measure measure) {
    if (!hasTruth) {
      throw new TorchworkException("Measure '" + measure.id() + "' cannot score this prediction: the data predicted had no"
          + " target, so the truth is not known. Predict data with the target column to score it.");
    }
    if (measure.taskType() != type) {
      throw new TorchworkException(
          "Measure '" + measure.id() + "' is for " + measure.taskType() + " tasks and cannot score a "
              + type + " prediction. Use a " + type + ".* measure.");
    }
    return measure.score(this);
  }

  /**
   * Scores the prediction with several measures.
   *
   * @param measures the measures
   * @return scores by measure id, in the given order
   */
  public Map<String, Double> score(Collection<? extends Measure> measures) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Measure m : measures) {
      scores.put(m.id(), score(m));
    }
    return scores;
  }

  /**
   * Concatenates predictions of the same type and classes, in order.
   *
   * @param parts the parts
   * @return one prediction holding all rows
   */
  public static Prediction concat(List<Prediction> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate");
    }
    Prediction first = parts.get(0);
    boolean truthKnown = parts.stream().allMatch(Prediction::hasTruth);
    int n = 0;
    for (Prediction p : parts) {
      n += p.nrow();
    }
    float[] t = new float[n];
    float[] r = new float[n];
    float[] pr = first.prob == null ? null : new float[n * first.classes.size()];
    int at = 0;
    List<Prediction> all = new ArrayList<>(parts);
    for (Prediction p : all) {
      System.arraycopy(p.truth, 0, t, at, p.nrow());
      System.arraycopy(p.response, 0, r, at, p.nrow());
      if (pr != null) {
        System.arraycopy(p.prob, 0, pr, at * first.classes.size(), p.prob.length);
      }
      at += p.nrow();
    }
    return new Prediction(first.type, first.classes, truthKnown ? t : null, r, pr);
  }
}
