package org.torchwork.runtime.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a trial of a tuning gave.
 *
 * @param number the trial's number
 * @param values the searched settings' values
 * @param status {@code ok}, {@code failed} or {@code interrupted}
 * @param aggregates each measure's mean and standard deviation over the resampling's splits
 *     (empty when the trial failed)
 * @param internalEpochs with {@code epochs: internal}, the mean of the splits' best epochs; else null
 * @param folds every split's result (empty when the trial failed)
 * @param seconds how long the trial took
 * @param error why the trial failed, or null
 */
public record TrialResult(int number, Map<String, Object> values, String status, List<Resample.Aggregate> aggregates,
    Integer internalEpochs, List<Resample.Fold> folds, double seconds, String error) {
  /** A trial that trained and was scored. */
  public static final String OK = "ok";
  /** A trial that failed (after the retries of its executor). */
  public static final String FAILED = "failed";
  /** A trial stopped by an interrupt (Ctrl-C): not recorded, it runs again when the tuning goes on. */
  public static final String INTERRUPTED = "interrupted";

  /**
   * Whether the trial trained and was scored.
   *
   * @return true for {@code ok}
   */
  public boolean ok() {
    return OK.equals(status);
  }

  /**
   * A measure's mean over the splits.
   *
   * @param measure the measure id
   * @return the mean, or NaN when the trial failed
   */
  public double mean(String measure) {
    return aggregates.stream().filter(a -> a.measure().equals(measure)).mapToDouble(Resample.Aggregate::mean).findFirst()
        .orElse(Double.NaN);
  }

  /**
   * A failed trial.
   *
   * @param trial the trial
   * @param seconds how long it ran
   * @param error why it failed
   * @return the result
   */
  public static TrialResult failed(Trial trial, double seconds, String error) {
    return new TrialResult(trial.number(), trial.values(), FAILED, List.of(), null, List.of(), seconds, error);
  }

  /**
   * The result as plain data, as {@code trials.json} and {@code --json} hold it.
   *
   * @return the map
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trial", number);
    m.put("status", status);
    m.put("values", values);
    Map<String, Object> scores = new LinkedHashMap<>();
    for (Resample.Aggregate a : aggregates) {
      Map<String, Object> score = new LinkedHashMap<>();
      score.put("mean", finite(a.mean()));
      score.put("sd", finite(a.sd()));
      scores.put(a.measure(), score);
    }
    m.put("scores", scores);
    m.put("internal_epochs", internalEpochs);
    List<Object> foldMaps = new ArrayList<>();
    for (Resample.Fold f : folds) {
      Map<String, Object> fm = new LinkedHashMap<>();
      fm.put("repeat", f.repeat());
      fm.put("fold", f.fold());
      fm.put("train_rows", f.trainRows());
      fm.put("test_rows", f.testRows());
      fm.put("seed", f.seed());
      Map<String, Object> foldScores = new LinkedHashMap<>();
      f.scores().forEach((k, v) -> foldScores.put(k, finite(v)));
      fm.put("scores", foldScores);
      fm.put("epochs", f.epochs());
      fm.put("best_epoch", f.bestEpoch());
      fm.put("end", f.end());
      fm.put("seconds", f.seconds());
      foldMaps.add(fm);
    }
    m.put("folds", foldMaps);
    m.put("seconds", seconds);
    m.put("error", error);
    return m;
  }

  /**
   * Reads back {@link #asMap()} (any status: a tuning folder refuses {@code interrupted} itself).
   *
   * @param m the map
   * @return the result
   * @throws IllegalArgumentException when the map is not one {@link #asMap()} wrote
   */
  @SuppressWarnings("unchecked")
  public static TrialResult fromMap(Map<?, ?> m) {
    try {
      List<Resample.Aggregate> aggregates = new ArrayList<>();
      ((Map<String, Map<String, Object>>) m.get("scores")).forEach((id, s) -> aggregates.add(new Resample.Aggregate(id,
          number(s.get("mean")), number(s.get("sd")))));
      List<Resample.Fold> folds = new ArrayList<>();
      for (Map<String, Object> f : (List<Map<String, Object>>) m.get("folds")) {
        Map<String, Double> scores = new LinkedHashMap<>();
        ((Map<String, Object>) f.get("scores")).forEach((k, v) -> scores.put(k, number(v)));
        folds.add(new Resample.Fold(num(f, "repeat"), num(f, "fold"), num(f, "train_rows"), num(f, "test_rows"), num(f, "seed"),
            scores, num(f, "epochs"), num(f, "best_epoch"), (String) f.get("end"), ((Number) f.get("seconds")).doubleValue(), null));
      }
      Object status = m.get("status");
      if (!OK.equals(status) && !FAILED.equals(status) && !INTERRUPTED.equals(status)) {
        throw new IllegalArgumentException("status " + status);
      }
      if (num(m, "trial") < 1 || !(m.get("values") instanceof Map)) {
        throw new IllegalArgumentException("trial " + m.get("trial") + " with values " + m.get("values"));
      }
      return new TrialResult(num(m, "trial"), (Map<String, Object>) m.get("values"), (String) status, aggregates,
          m.get("internal_epochs") == null ? null : num(m, "internal_epochs"), folds, ((Number) m.get("seconds")).doubleValue(),
          (String) m.get("error"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.toString(), e);
    }
  }

  /** A score as JSON holds it: NaN and the infinities as strings. */
  private static Object finite(double v) {
    return Double.isFinite(v) ? (Object) v : (Object) Double.toString(v);
  }

  private static double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if ("NaN".equals(v) || "Infinity".equals(v) || "-Infinity".equals(v)) {
      return Double.parseDouble((String) v);
    }
    throw new IllegalArgumentException("not a number: " + v);
  }

  private static int num(Map<?, ?> m, String key) {
    return ((Number) m.get(key)).intValue();
  }
}
