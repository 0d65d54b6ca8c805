package org.torchwork.callbacks.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Clips gradients in {@code on_after_backward}, before the optimizer step: by their global norm
 * ({@code max_norm}, as {@code torch.nn.utils.clip_grad_norm_}) or element-wise by value
 * ({@code value}, as {@code clip_grad_value_}). {@code norm_type} may be {@code inf} (the largest
 * absolute element).
 *
 * <p>State: how many batches were clipped.
 */
public final class GradClip extends CallbackSet {
  private static final NDIndex ALL = new NDIndex("...");
  private final Double maxNorm;
  private final double normType;
  private final Double value;
  private int clipped;

  /**
   * Creates the callback; exactly one of {@code maxNorm} and {@code value} is set.
   *
   * @param maxNorm the largest global gradient norm, or null
   * @param normType the norm's order (2 for Euclidean)
   * @param value the largest absolute gradient element, or null
   */
  public GradClip(Double maxNorm, double normType, Double value) {
    this.maxNorm = maxNorm;
    this.normType = normType;
    this.value = value;
  }

  @Override
  public void onAfterBackward(Context ctx) {
    // Gradient handles and every temporary belong to a scope that closes after this call.
    try (NDManager scope = ctx.model().getNDManager().newSubManager()) {
      List<NDArray> grads = new ArrayList<>();
      for (Pair<String, Parameter> p : ctx.network().getParameters()) {
        if (p.getValue().requiresGradient() && p.getValue().getArray().hasGradient()) {
          NDArray g = p.getValue().getArray().getGradient();
          g.attach(scope);
          grads.add(g);
        }
      }
      if (value != null ? clipByValue(grads) : clipByNorm(grads)) {
        clipped++;
      }
    }
  }

  private boolean clipByValue(List<NDArray> grads) {
    boolean any = false;
    float v = value.floatValue();
    for (NDArray g : grads) {
      NDArray limited = g.clip(-v, v);
      if (!limited.contentEquals(g)) {
        any = true;
        g.set(ALL, limited);
      }
    }
    return any;
  }

  private boolean clipByNorm(List<NDArray> grads) {
    double norm;
    if (Double.isInfinite(normType)) {
      norm = 0;
      for (NDArray g : grads) {
        norm = Math.max(norm, g.abs().max().getFloat());
      }
    } else {
      double total = 0;
      for (NDArray g : grads) {
        total += g.abs().pow(normType).sum().getFloat();
      }
      norm = Math.pow(total, 1 / normType);
    }
    if (norm <= maxNorm) {
      return false;
    }
    float scale = (float) (maxNorm / (norm + 1e-6));
    for (NDArray g : grads) {
      g.muli(scale);
    }
    return true;
  }

  @Override
  public Object stateDict() {
    return clipped;
  }

  @Override
  public void loadStateDict(Object state) {
    clipped = ((Number) state).intValue();
  }
}
