package org.torchwork.callbacks.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
    // The loop's own handles, shared with the optimizer; temporaries go to a scope of this call.
    try (NDManager scope = ctx.model().getNDManager().newSubManager()) {
      List<NDArray> grads = new ArrayList<>(ctx.gradients().values());
      scope.tempAttachAll(grads.toArray(NDArray[]::new));
      if (!grads.isEmpty() && (value != null ? clipByValue(grads) : clipByNorm(grads))) {
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
    double norm = globalNorm(grads, normType);
    if (norm <= maxNorm) {
      return false;
    }
    float scale = (float) (maxNorm / (norm + 1e-6));
    for (NDArray g : grads) {
      g.muli(scale);
    }
    return true;
  }

  /**
   * The norm of all gradients together, as {@code torch.nn.utils.clip_grad_norm_} computes it:
   * the norm of the per-gradient norms, with one read back from the engine in all.
   *
   * @param grads the gradients (not empty); temporaries go to their managers
   * @param p the norm's order, or positive infinity for the largest absolute element
   * @return the global norm
   */
  static double globalNorm(List<NDArray> grads, double p) {
    NDList partial = new NDList(grads.size());
    for (NDArray g : grads) {
      if (Double.isInfinite(p)) {
        partial.add(g.abs().max());
      } else if (p == 2) {
        partial.add(g.norm());
      } else {
        partial.add(g.abs().pow(p).sum());
      }
    }
    NDArray all = NDArrays.stack(partial);
    // toFloatArray, not getFloat: the latter indexes the scalar first, one more native call.
    if (Double.isInfinite(p)) {
      return all.max().toFloatArray()[0];
    }
    if (p == 2) {
      return all.norm().toFloatArray()[0];
    }
    return Math.pow(all.sum().toFloatArray()[0], 1 / p);
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
