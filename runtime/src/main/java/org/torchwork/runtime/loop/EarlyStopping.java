package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Monitor;
import org.torchwork.api.TorchCallback;

/**
 * Early stopping, set with the learner parameters {@code patience}, {@code min_delta} and
 * {@code restore_best_weights}, as in mlr3torch, and {@code monitor}, {@code mode},
 * {@code start_from_epoch} and {@code baseline}, as in Keras. It watches a quantity
 * ({@code monitor}; by default the first validation measure), counts the checks without an
 * improvement of more than {@code min_delta} (and, with a {@code baseline}, without beating it),
 * and terminates the run after {@code patience} of them. A validation measure is checked after
 * each validation, in {@code on_valid_end}; anything else (the training loss, a training measure,
 * a published value) in every {@code on_epoch_end}. Epochs up to {@code start_from_epoch} are not
 * checked. With {@code restore_best_weights} the run ends with the weights of the best epoch.
 *
 * <p>It runs as callback {@value #ID} with weight 1000, after the callbacks that publish values;
 * its state (best epoch, best score, stagnation) is kept in the model and in checkpoints like any
 * callback's, and checkpoints also hold the best weights, so {@code restore_best_weights} works
 * across a resume.
 */
public final class EarlyStopping extends CallbackSet {
  /** The callback id early stopping runs as. */
  public static final String ID = "early_stopping";

  /**
   * Early stopping's settings, from the learner's parameters.
   *
   * @param patience checks without improvement before stopping
   * @param monitor what to watch; null for the first validation measure
   * @param mode {@code min}, {@code max} or {@code auto}
   * @param minDelta the least change that counts as an improvement
   * @param startFromEpoch epochs up to this one are not checked
   * @param baseline a value to beat, or null
   * @param restoreBest whether to end with the best epoch's weights
   */
  public record Settings(int patience, String monitor, String mode, double minDelta, int startFromEpoch, Double baseline,
      boolean restoreBest) {}

  private final int patience;
  private final Settings settings;
  private final boolean restoreBest;
  private Monitor monitor;
  private int bestEpoch;
  private Double bestScore;
  private int stagnation;
  private List<NDArray> bestWeights;

  private EarlyStopping(Settings settings) {
    this.patience = settings.patience();
    this.settings = settings;
    this.restoreBest = settings.restoreBest();
  }

  /**
   * The descriptor of early stopping with the learner's settings.
   *
   * @param settings the learner's early-stopping settings
   * @return the descriptor
   */
  public static TorchCallback descriptor(Settings settings) {
    return TorchCallback.builder(ID, EarlyStopping.class)
        .label("Early stopping")
        .weight(1000)
        .build(p -> new EarlyStopping(settings));
  }

  @Override
  public void onBegin(Context ctx) {
    String watched = settings.monitor() != null ? settings.monitor() : "valid." + ctx.measuresValid().get(0).id();
    monitor = Monitor.of(watched, settings.mode(), settings.minDelta(), "").check(ctx);
  }

  @Override
  public void onValidEnd(Context ctx) {
    if (monitor.due(ctx)) {
      check(ctx);
    }
  }

  @Override
  public void onEpochEnd(Context ctx) {
    if (monitor.due(ctx)) {
      check(ctx);
    }
  }

  private void check(Context ctx) {
    Optional<Double> value = monitor.value(ctx);
    if (value.isEmpty() || ctx.epoch() <= settings.startFromEpoch()) {
      return;
    }
    double score = value.get();
    if (monitor.improves(score, bestScore)) {
      bestScore = score;
      bestEpoch = ctx.epoch();
      if (restoreBest) {
        keepWeights(ctx);
      }
      if (settings.baseline() == null || monitor.improves(score, settings.baseline())) {
        stagnation = 0;
        return;
      }
    }
    stagnation++;
    if (stagnation >= patience) {
      String name = monitor.quantity();
      double minDelta = monitor.minDelta();
      String checks = name.startsWith("valid.") ? "validation(s)" : "epoch(s)";
      ctx.terminate(name + " did not improve" + (minDelta > 0 ? " by more than " + minDelta : "")
          + (settings.baseline() == null ? "" : " on the baseline " + settings.baseline()) + " for " + patience + " " + checks
          + (bestScore == null ? "" : "; the best was epoch " + bestEpoch + " (" + name + " = "
              + String.format(java.util.Locale.ROOT, "%.6g", bestScore) + ")" + (restoreBest ? ", whose weights were restored"
              : ", whose weights were not kept (restore_best_weights=false)")));
    }
  }

  /** The whole array, for an in-place copy that does not go through libtorch's deprecated type-mode guard. */
  private static final NDIndex EVERYTHING = new NDIndex("...");

  @Override
  public void onEnd(Context ctx) {
    if (restoreBest && bestWeights != null) {
      List<Parameter> params = parameters(ctx);
      for (int i = 0; i < params.size(); i++) {
        params.get(i).getArray().set(EVERYTHING, bestWeights.get(i));
      }
    }
  }

  /**
   * Frees the best weights, after every on_exit ran: a checkpoint saved in on_exit (on an
   * interrupt) still holds them.
   */
  void release() {
    if (bestWeights != null) {
      bestWeights.forEach(NDArray::close);
      bestWeights = null;
    }
  }

  private void keepWeights(Context ctx) {
    if (bestWeights != null) {
      bestWeights.forEach(NDArray::close);
    }
    bestWeights = new ArrayList<>();
    for (Parameter p : parameters(ctx)) {
      bestWeights.add(p.getArray().duplicate());
    }
  }

  /** The weights of the best epoch so far (the loop saves them in checkpoints); empty if none. */
  List<NDArray> bestWeights() {
    return bestWeights == null ? List.of() : bestWeights;
  }

  /** Takes the best weights from a checkpoint. */
  void restoreBestWeights(List<NDArray> weights) {
    if (bestWeights != null) {
      bestWeights.forEach(NDArray::close);
    }
    bestWeights = new ArrayList<>(weights);
  }

  private static List<Parameter> parameters(Context ctx) {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("best_epoch", bestEpoch);
    state.put("best_score", bestScore);
    state.put("stagnation", stagnation);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    bestEpoch = ((Number) map.get("best_epoch")).intValue();
    bestScore = map.get("best_score") == null ? null : ((Number) map.get("best_score")).doubleValue();
    stagnation = ((Number) map.get("stagnation")).intValue();
  }
}
