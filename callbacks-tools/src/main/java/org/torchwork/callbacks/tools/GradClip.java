package org.torchwork.callbacks.tools;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Clips gradients in {@code on_after_backward}, before the optimizer step: by their global norm
 * ({@code max_norm}, as {@code torch.nn.utils.clip_grad_norm_}) or element-wise by value
 * ({@code value}, as {@code clip_grad_value_}). {@code norm_type} may be {@code inf} (the largest
 * absolute element). Clipping by norm scales through {@code ctx.scaleGradients}, which the
 * optimizer's fused update applies on its way where it can (Adam; SGD without momentum on
 * PyTorch). Small gradients on the CPU have their norm summed on the host in double precision,
 * others on the engine in the gradients' precision, so whether a batch clips can depend on the
 * device in the last bits.
 *
 * <p>State: how many batches were clipped.
 */
public final class GradClip extends CallbackSet {
  private static final NDIndex ALL = new NDIndex("...");
  /** The most gradient elements whose norm is taken on the host, when they are on the CPU. */
  static final long HOST_ELEMENTS = 1 << 16;
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
    Map<String, NDArray> grads = ctx.gradients();
    if (grads.isEmpty()) {
      return;
    }
    if (value != null) {
      // The loop's own handles, shared with the optimizer; temporaries go to a scope of this call.
      try (NDManager scope = ctx.model().getNDManager().newSubManager()) {
        List<NDArray> arrays = new ArrayList<>(grads.values());
        scope.tempAttachAll(arrays.toArray(NDArray[]::new));
        if (clipByValue(arrays)) {
          clipped++;
        }
      }
      return;
    }
    double norm = globalNorm(grads.values(), normType);
    if (norm > maxNorm) {
      // Where the optimizer's fused update can, it applies the factor on its way: no call per array.
      ctx.scaleGradients(maxNorm / (norm + 1e-6));
      clipped++;
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

  /**
   * The norm of all gradients together, as {@code torch.nn.utils.clip_grad_norm_} computes it:
   * the norm of the per-gradient norms. Small gradients on the CPU (at most {@value
   * #HOST_ELEMENTS} elements in all) are read back once each and summed here, in double
   * precision; others are reduced on the engine, with one read back in all.
   *
   * @param grads the gradients (not empty); the engine's temporaries are freed before this returns
   * @param p the norm's order, or positive infinity for the largest absolute element
   * @return the global norm
   */
  static double globalNorm(Collection<NDArray> grads, double p) {
    return globalNorm(grads, p, HOST_ELEMENTS);
  }

  /** {@link #globalNorm(Collection, double)} with another limit for the host's share. */
  static double globalNorm(Collection<NDArray> grads, double p, long hostElements) {
    long elements = 0;
    boolean cpu = true;
    for (NDArray g : grads) {
      elements += g.size();
      cpu &= !g.getDevice().isGpu();
    }
    return cpu && elements <= hostElements ? hostNorm(grads, p) : engineNorm(grads, p);
  }

  private static double hostNorm(Collection<NDArray> grads, double p) {
    double acc = 0;
    for (NDArray g : grads) {
      for (float x : g.toFloatArray()) {
        double a = Math.abs(x);
        if (Double.isInfinite(p)) {
          acc = Math.max(acc, a);
        } else if (p == 2) {
          acc += a * a;
        } else if (p == 1) {
          acc += a;
        } else {
          acc += Math.pow(a, p);
        }
      }
    }
    if (Double.isInfinite(p) || p == 1) {
      return acc;
    }
    return p == 2 ? Math.sqrt(acc) : Math.pow(acc, 1 / p);
  }

  private static double engineNorm(Collection<NDArray> grads, double p) {
    // The arrays stay their owners'; every temporary of the reduction goes to this scope.
    try (NDManager scope = grads.iterator().next().getManager().newSubManager()) {
      scope.tempAttachAll(grads.toArray(NDArray[]::new));
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
