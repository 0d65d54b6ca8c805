package org.torchwork.callbacks.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.api.Context;

/**
 * {@code ema}: an exponential moving average of the weights, updated after every batch
 * ({@code avg = d * avg + (1 - d) * weights}, as Keras' {@code use_ema} and PyTorch's
 * {@code AveragedModel} with an EMA). With {@code warmup} (the default) the decay {@code d} is
 * {@code min(decay, (1 + n) / (10 + n))} after {@code n} updates, as TensorFlow's
 * {@code ExponentialMovingAverage} with {@code num_updates}: a short run's average follows the
 * weights instead of staying near the initial ones. Optionally swapped in for validation
 * ({@code swap_for_validation}, as Keras' {@code SwapEMAWeights}) and at the end
 * ({@code swap_at_end}), so that the trained model has the averaged weights. Written against
 * {@code org.torchwork.api} alone.
 *
 * <p>With {@code swap_for_validation}, validation scores are the averaged weights' scores: early
 * stopping's {@code restore_best_weights} then restores the raw weights of the epoch whose
 * average scored best.
 *
 * <p>State: the updates so far; tensors: the average, by parameter name.
 */
public final class Ema extends WeightAverage {
  private final double decay;
  private final boolean warmup;
  private final boolean swapForValidation;
  private final boolean swapAtEnd;
  private long updates;
  private boolean swapped;

  /**
   * Creates the average.
   *
   * @param decay the weight of the average so far, in [0, 1)
   * @param warmup whether the decay grows to {@code decay} over the first updates
   * @param swapForValidation validate with the averaged weights
   * @param swapAtEnd end training with the averaged weights
   */
  public Ema(double decay, boolean warmup, boolean swapForValidation, boolean swapAtEnd) {
    this.decay = decay;
    this.warmup = warmup;
    this.swapForValidation = swapForValidation;
    this.swapAtEnd = swapAtEnd;
  }

  @Override
  public void onBegin(Context ctx) {
    if (average.isEmpty()) {
      if (updates > 0) {
        throw missing("ema", updates + " update(s)");
      }
      start(ctx);
    }
  }

  @Override
  public void onBatchEnd(Context ctx) {
    blend(ctx, warmup ? Math.min(decay, (1.0 + updates) / (10.0 + updates)) : decay);
    updates++;
  }

  @Override
  public void onBatchValidBegin(Context ctx) {
    if (swapForValidation && !swapped) {
      swap(ctx);
      swapped = true;
    }
  }

  @Override
  public void onValidEnd(Context ctx) {
    if (swapped) {
      swap(ctx);
      swapped = false;
    }
  }

  @Override
  public void onEnd(Context ctx) {
    if (swapAtEnd) {
      apply(ctx);
    }
  }

  @Override
  public void onExit(Context ctx) {
    // A run stopped during validation gets its own weights back before anything saves them.
    if (swapped) {
      swap(ctx);
      swapped = false;
    }
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("updates", updates);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    updates = ((Number) ((Map<?, ?>) state).get("updates")).longValue();
  }
}
