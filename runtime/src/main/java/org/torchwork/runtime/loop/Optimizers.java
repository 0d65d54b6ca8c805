package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.ParamValues;

/**
 * The optimizers the loop trains with: SGD (with momentum), Adam and AdamW, following PyTorch's
 * update rules. Unlike DJL's own optimizers they expose their state (step counts and moment
 * tensors per parameter), so that a checkpoint can save it and a resumed run continues exactly
 * where it stopped.
 */
final class Optimizers {
  private Optimizers() {}

  /**
   * Creates the optimizer the learner's parameters ask for.
   *
   * @param params the learner's parameters
   * @param learningRate the learning rate in force, read at every update
   * @param stateManager owns the optimizer's state tensors for the whole run (engines may pass
   *     {@code update} arrays whose managers live only for that call)
   */
  static Stateful create(ParamValues params, ParameterTracker learningRate, NDManager stateManager) {
    String kind = params.getString("optimizer");
    // PyTorch's defaults: AdamW decays weights by 0.01 unless told otherwise; SGD and Adam do not.
    float weightDecay = (float) (params.has("opt.weight_decay") ? params.getDouble("opt.weight_decay") : kind.equals("adamw") ? 0.01 : 0);
    Stateful optimizer;
    switch (kind) {
      case "sgd":
        optimizer = new Sgd(learningRate, weightDecay, (float) params.getDouble("opt.momentum"));
        break;
      case "adamw":
        optimizer = new Adam(learningRate, weightDecay, true);
        break;
      default:
        optimizer = new Adam(learningRate, weightDecay, false);
    }
    optimizer.stateManager = stateManager;
    return optimizer;
  }

  /** An optimizer whose per-parameter state can be saved and restored. */
  abstract static class Stateful extends Optimizer {
    /** Per parameter id: the number of updates and the state tensors, in a fixed order. */
    final Map<String, Integer> steps = new LinkedHashMap<>();
    final Map<String, NDArray[]> slots = new LinkedHashMap<>();
    final ParameterTracker learningRate;
    NDManager stateManager;

    Stateful(ParameterTracker learningRate) {
      super(new Builder());
      this.learningRate = learningRate;
    }

    abstract int slotCount();

    NDArray[] slotsFor(String id, NDArray weight) {
      return slots.computeIfAbsent(id, k -> {
        NDArray[] s = new NDArray[slotCount()];
        for (int i = 0; i < s.length; i++) {
          s[i] = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        }
        return s;
      });
    }

    @Override
    public final void update(String id, NDArray weight, NDArray grad) {
      int step = steps.merge(id, 1, Integer::sum);
      float lr = learningRate.getNewValue(id, step);
      NDArray[] state = slotsFor(id, weight);
      // While the update runs, its arrays belong to a scope, so every temporary the arithmetic
      // creates is freed when the scope closes; the arrays themselves go back to their owners.
      try (NDManager scope = weight.getManager().newSubManager()) {
        NDArray[] involved = new NDArray[state.length + 2];
        involved[0] = weight;
        involved[1] = grad;
        System.arraycopy(state, 0, involved, 2, state.length);
        scope.tempAttachAll(involved);
        apply(weight, grad, state, lr, step);
      }
    }

    /**
     * Updates one parameter in place.
     *
     * @param weight the parameter
     * @param grad its gradient
     * @param state its state tensors, {@link #slotCount()} of them
     * @param lr the learning rate in force
     * @param step the update's number for this parameter, from 1
     */
    abstract void apply(NDArray weight, NDArray grad, NDArray[] state, float lr, int step);

    /** Replaces all state with a checkpoint's, freeing the tensors held so far. */
    void restore(Map<String, Integer> savedSteps, Map<String, List<NDArray>> savedSlots) {
      steps.clear();
      steps.putAll(savedSteps);
      slots.values().forEach(arrays -> {
        for (NDArray a : arrays) {
          a.close();
        }
      });
      slots.clear();
      savedSlots.forEach((id, arrays) -> slots.put(id, arrays.toArray(NDArray[]::new)));
    }
  }

  /** SGD with optional momentum and L2 weight decay, as {@code torch.optim.SGD}. */
  static final class Sgd extends Stateful {
    private final float weightDecay;
    private final float momentum;

    Sgd(ParameterTracker learningRate, float weightDecay, float momentum) {
      super(learningRate);
      this.weightDecay = weightDecay;
      this.momentum = momentum;
    }

    @Override
    int slotCount() {
      return momentum > 0 ? 1 : 0;
    }

    @Override
    void apply(NDArray weight, NDArray grad, NDArray[] state, float lr, int step) {
      NDArray g = weightDecay > 0 ? grad.add(weight.mul(weightDecay)) : grad;
      if (momentum > 0) {
        NDArray buf = state[0];
        if (step == 1) {
          buf.subi(buf).addi(g);
        } else {
          buf.muli(momentum).addi(g);
        }
        g = buf;
      }
      weight.subi(g.mul(lr));
    }
  }

  /** Adam ({@code torch.optim.Adam}) or, with decoupled weight decay, AdamW. */
  static final class Adam extends Stateful {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    private final float weightDecay;
    private final boolean decoupled;

    Adam(ParameterTracker learningRate, float weightDecay, boolean decoupled) {
      super(learningRate);
      this.weightDecay = weightDecay;
      this.decoupled = decoupled;
    }

    @Override
    int slotCount() {
      return 2;
    }

    @Override
    void apply(NDArray weight, NDArray grad, NDArray[] state, float lr, int step) {
      NDArray g = grad;
      if (weightDecay > 0) {
        if (decoupled) {
          weight.muli(1 - lr * weightDecay);
        } else {
          g = grad.add(weight.mul(weightDecay));
        }
      }
      NDArray m = state[0].muli(BETA1).addi(g.mul(1 - BETA1));
      NDArray v = state[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
      float biasCorrection1 = (float) (1 - Math.pow(BETA1, step));
      float biasCorrection2 = (float) (1 - Math.pow(BETA2, step));
      NDArray denominator = v.div(biasCorrection2).sqrt().add(EPSILON);
      weight.subi(m.div(denominator).mul(lr / biasCorrection1));
    }
  }

  /** DJL's optimizer base class wants a builder; these optimizers take their settings directly. */
  private static final class Builder extends Optimizer.OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
