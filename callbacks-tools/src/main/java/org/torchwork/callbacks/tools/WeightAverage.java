package org.torchwork.callbacks.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * The part {@code ema} and {@code swa} share: an average of the network's weights, one tensor per
 * parameter by the parameter's name, kept as the callback's tensor state (so checkpoints and the
 * trained model hold it, and a resume continues it bit for bit), swapped into the network when
 * asked. The average belongs to the run's model, which frees it: it stays readable in every
 * {@code on_exit}, where a checkpoint of an interrupted run saves it.
 */
abstract class WeightAverage extends CallbackSet {
  private static final NDIndex ALL = new NDIndex("...");
  /** The average, by parameter name; empty until the first update. */
  protected final Map<String, NDArray> average = new LinkedHashMap<>();

  /** Makes the average a copy of the weights. */
  protected final void start(Context ctx) {
    close();
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      average.put(p.getKey(), p.getValue().getArray().duplicate());
    }
  }

  /** Updates every parameter's average in place: {@code avg = avg * keep + weight * (1 - keep)}. */
  protected final void blend(Context ctx, double keep) {
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      NDArray avg = average.get(p.getKey());
      try (NDArray part = p.getValue().getArray().mul((float) (1 - keep))) {
        avg.muli((float) keep).addi(part);
      }
    }
  }

  /** Moves every parameter's average towards the weights as an equal-weight mean: {@code avg += (weight - avg) / (n + 1)}. */
  protected final void include(Context ctx, int n) {
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      NDArray avg = average.get(p.getKey());
      try (NDArray step = p.getValue().getArray().sub(avg)) {
        avg.addi(step.divi(n + 1));
      }
    }
  }

  /** Exchanges the weights and the average. */
  protected final void swap(Context ctx) {
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      NDArray weight = p.getValue().getArray();
      NDArray avg = average.get(p.getKey());
      try (NDArray held = weight.duplicate()) {
        weight.set(ALL, avg);
        avg.set(ALL, held);
      }
    }
  }

  /** Copies the average into the weights. */
  protected final void apply(Context ctx) {
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      p.getValue().getArray().set(ALL, average.get(p.getKey()));
    }
  }

  @Override
  public Map<String, NDArray> tensors() {
    return Collections.unmodifiableMap(average);
  }

  @Override
  public void loadTensors(Map<String, NDArray> tensors) {
    close();
    average.putAll(tensors);
  }

  /** The error of a resumed run whose checkpoint has the callback's state but not its average. */
  protected static org.torchwork.api.TorchworkException missing(String id, String what) {
    return new org.torchwork.api.TorchworkException("Callback '" + id + "': the checkpoint resumed from records " + what + " but"
        + " holds no averaged weights (its tensors), so the average cannot continue. Resume from a checkpoint written with"
        + " them, or start afresh.");
  }

  /** Frees the average. */
  protected final void close() {
    average.values().forEach(NDArray::close);
    average.clear();
  }
}
