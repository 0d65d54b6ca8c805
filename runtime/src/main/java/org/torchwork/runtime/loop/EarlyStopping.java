package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Measure;
import org.torchwork.api.TorchCallback;

/**
 * Early stopping, set with the learner parameters {@code patience}, {@code min_delta} and
 * {@code restore_best_weights}, as in mlr3torch. It watches the first validation measure after
 * each validation, counts validation rounds without an improvement of more than
 * {@code min_delta}, and terminates the run after {@code patience} of them. With
 * {@code restore_best_weights} the run ends with the weights of the best epoch.
 *
 * <p>It runs as callback {@value #ID} with weight 1000; its state (best epoch, best score,
 * stagnation) is kept in the model and in checkpoints like any callback's, and checkpoints also
 * hold the best weights, so {@code restore_best_weights} works across a resume.
 */
public final class EarlyStopping extends CallbackSet {
  /** The callback id early stopping runs as. */
  public static final String ID = "early_stopping";

  private final int patience;
  private final double minDelta;
  private final boolean restoreBest;
  private int bestEpoch;
  private Double bestScore;
  private int stagnation;
  private List<NDArray> bestWeights;

  private EarlyStopping(int patience, double minDelta, boolean restoreBest) {
    this.patience = patience;
    this.minDelta = minDelta;
    this.restoreBest = restoreBest;
  }

  /**
   * The descriptor of early stopping with the learner's settings.
   *
   * @param patience validation rounds without improvement before stopping
   * @param minDelta the least change that counts as improvement
   * @param restoreBest whether to end with the best epoch's weights
   * @return the descriptor
   */
  public static TorchCallback descriptor(int patience, double minDelta, boolean restoreBest) {
    return TorchCallback.builder(ID, EarlyStopping.class)
        .label("Early stopping")
        .weight(1000)
        .build(p -> new EarlyStopping(patience, minDelta, restoreBest));
  }

  @Override
  public void onValidEnd(Context ctx) {
    Measure measure = ctx.measuresValid().get(0);
    Double score = ctx.lastScoresValid().get(measure.id());
    if (score == null) {
      return;
    }
    boolean improved = bestScore == null
        || (measure.minimize() ? score < bestScore - minDelta : score > bestScore + minDelta);
    if (improved) {
      bestScore = score;
      bestEpoch = ctx.epoch();
      stagnation = 0;
      if (restoreBest) {
        keepWeights(ctx);
      }
    } else {
      stagnation++;
      if (stagnation >= patience) {
        String name = "valid." + measure.id();
        ctx.terminate(name + " did not improve" + (minDelta > 0 ? " by more than " + minDelta : "") + " for " + patience
            + " validation(s); the best was epoch " + bestEpoch + " (" + name + " = "
            + String.format(java.util.Locale.ROOT, "%.6g", bestScore) + ")" + (restoreBest ? ", whose weights were restored"
            : ", whose weights were not kept (restore_best_weights=false)"));
      }
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
