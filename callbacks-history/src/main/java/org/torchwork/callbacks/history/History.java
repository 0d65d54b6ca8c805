package org.torchwork.callbacks.history;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Measure;

/**
 * Records, for every epoch, the learning rate in force, the mean training loss and every train
 * and validation score: one row per epoch with the columns {@code epoch}, {@code lr},
 * {@code train.loss}, {@code train.<measure>} and {@code valid.<measure>}, then one column per value
 * the run's callbacks publish ({@code <callback id>.<name>}, the epoch's mean, see
 * {@link Context#log}). Score columns are {@code null} in epochs that do not evaluate
 * ({@code eval_freq}); a published column is {@code null} in an epoch that did not publish it.
 *
 * <p>Unlike mlr3torch's history, the training loss is recorded even when no measure is set.
 *
 * <p>State: the table, as a list of rows (maps from column to value).
 */
public final class History extends CallbackSet {
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private Map<String, Object> current;

  /** Creates an empty history. */
  public History() {}

  /**
   * Draws this history's learning curves into a PNG or SVG file ({@link Curves}).
   *
   * @param title the chart's title
   * @param file where to write; {@code .png} or {@code .svg}
   */
  public void plot(String title, Path file) {
    Curves.write(rows, title, file);
  }

  @Override
  public void onBeforeValid(Context ctx) {
    current = new LinkedHashMap<>();
    current.put("epoch", ctx.epoch());
    current.put("lr", ctx.learningRate());
    current.put("train.loss", ctx.trainLoss());
    for (Measure m : ctx.measuresTrain()) {
      current.put("train." + m.id(), ctx.lastScoresTrain().get(m.id()));
    }
  }

  @Override
  public void onValidEnd(Context ctx) {
    for (Measure m : ctx.measuresValid()) {
      current.put("valid." + m.id(), ctx.lastScoresValid().get(m.id()));
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    for (Measure m : ctx.measuresValid()) {
      current.putIfAbsent("valid." + m.id(), null);
    }
    Map<String, Double> logged = ctx.logged();
    for (String name : ctx.published()) {
      current.put(name, logged.get(name));
    }
    rows.add(Collections.unmodifiableMap(current));
    current = null;
  }

  /**
   * The rows recorded so far.
   *
   * @return an unmodifiable view
   */
  public List<Map<String, Object>> rows() {
    return Collections.unmodifiableList(rows);
  }

  @Override
  public Object stateDict() {
    return List.copyOf(rows.stream().map(r -> Collections.unmodifiableMap(new LinkedHashMap<>(r))).toList());
  }

  @Override
  public void loadStateDict(Object state) {
    rows.clear();
    for (Object row : (List<?>) state) {
      Map<String, Object> copy = new LinkedHashMap<>();
      ((Map<?, ?>) row).forEach((k, v) -> copy.put((String) k, v));
      rows.add(Collections.unmodifiableMap(copy));
    }
  }
}
