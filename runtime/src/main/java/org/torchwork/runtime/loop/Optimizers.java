package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.ParamValues;

/**
 * The optimizers the loop trains with: SGD (with momentum), Adam and AdamW, following PyTorch's
 * update rules. Unlike DJL's own optimizers they expose their state (step counts and moment
 * tensors per parameter), so that a checkpoint can save it and a resumed run continues exactly
 * where it stopped.
 *
 * <p>The loop calls {@link Stateful#step}: one fused engine update per parameter (the engines'
 * {@code adamUpdate} / {@code sgdUpdate}, which take the state tensors the optimizer owns), where
 * composing the rule from array operations costs a dozen native calls per parameter. Only SGD with
 * momentum, whose fused update scales the momentum buffer by the learning rate unlike PyTorch,
 * is composed.
 */
final class Optimizers {
  private static final NDIndex ALL = new NDIndex("...");

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

    /** SGD's momentum, or Adam's first beta. */
    abstract double momentum();

    /** Sets SGD's momentum, or Adam's first beta, for the updates that follow. */
    abstract void setMomentum(double momentum);

    NDArray[] slotsFor(String id, NDArray weight) {
      NDArray[] s = slots.get(id);
      if (s == null) {
        s = new NDArray[slotCount()];
        for (int i = 0; i < s.length; i++) {
          s[i] = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        }
        slots.put(id, s);
      }
      return s;
    }

    /**
     * Updates every trainable parameter from its gradient and leaves the gradients at 0 for the
     * next backward pass (PyTorch adds gradients up across passes; MXNet overwrites them).
     *
     * @param gradients this step's gradients; frozen parameters are skipped
     * @param scope owns this step's temporaries
     * @param accumulates whether the engine adds gradients up across backward passes
     */
    final void step(StepGradients gradients, NDManager scope, boolean accumulates) {
      // A pending ctx.scaleGradients factor rides on the fused update; otherwise it is applied first.
      float rescale = gradients.pendingScale();
      if (rescale != 1f && !foldsScale()) {
        gradients.applyScale();
        rescale = 1f;
      }
      for (Pair<String, Parameter> p : gradients.parameters()) {
        Parameter parameter = p.getValue();
        if (StepGradients.trained(parameter)) {
          updateOne(parameter.getId(), parameter.getArray(), gradients.of(parameter), rescale, scope, accumulates);
        }
      }
      gradients.scaled();
    }

    private void updateOne(String id, NDArray weight, NDArray grad, float rescale, NDManager scope, boolean accumulates) {
      int step = steps.merge(id, 1, Integer::sum);
      float lr = learningRate.getNewValue(id, step);
      NDArray[] state = slotsFor(id, weight);
      if (fuses()) {
        fused(weight, grad, state, lr, step, rescale, scope);
        return;
      }
      // While the update runs, its arrays belong to a scope, so every temporary the arithmetic
      // creates is freed when the scope closes; the arrays themselves go back to their owners.
      try (NDManager temporaries = scope.newSubManager()) {
        NDArray[] involved = new NDArray[state.length + 2];
        involved[0] = weight;
        involved[1] = grad;
        System.arraycopy(state, 0, involved, 2, state.length);
        temporaries.tempAttachAll(involved);
        apply(weight, grad, state, lr, step);
      }
      if (accumulates) {
        zero(grad);
      }
    }

    /** Whether this optimizer has a fused engine update for its settings; if not, {@link #apply} runs. */
    boolean fuses() {
      return false;
    }

    /**
     * Whether the fused update's {@code rescale_grad} gives the bits that scaling the gradient
     * first would: then a pending {@code ctx.scaleGradients} factor rides on it.
     */
    boolean foldsScale() {
      return fuses();
    }

    /**
     * Updates one parameter with the engine's fused operation, which also zeroes its gradient.
     *
     * @param rescale the factor the gradient is multiplied by on the way (1 for none)
     */
    void fused(NDArray weight, NDArray grad, NDArray[] state, float lr, int step, float rescale, NDManager scope) {
      throw new IllegalStateException(getClass().getSimpleName() + " has no fused update");
    }

    /** DJL's entry point ({@code Trainer.step()}); the loop calls {@link #step} instead. */
    @Override
    public final void update(String id, NDArray weight, NDArray grad) {
      try (NDManager scope = weight.getManager().newSubManager()) {
        updateOne(id, weight, grad, 1f, scope, false);
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

  /** Sets a gradient to 0 in place, NaN and infinities included. */
  static void zero(NDArray grad) {
    grad.set(ALL, 0);
  }

  /** SGD with optional momentum and L2 weight decay, as {@code torch.optim.SGD}. */
  static final class Sgd extends Stateful {
    private final float weightDecay;
    private final boolean withMomentum;
    private float momentum;

    Sgd(ParameterTracker learningRate, float weightDecay, float momentum) {
      super(learningRate);
      this.weightDecay = weightDecay;
      this.momentum = momentum;
      this.withMomentum = momentum > 0;
    }

    @Override
    int slotCount() {
      return withMomentum ? 1 : 0;
    }

    @Override
    double momentum() {
      return momentum;
    }

    @Override
    void setMomentum(double momentum) {
      if (!withMomentum) {
        throw new IllegalArgumentException("SGD trains without momentum here (opt.momentum=0), so it keeps no momentum buffer"
            + " to change. Set opt.momentum to a value above 0 (e.g. 0.9) to let a schedule change it.");
      }
      this.momentum = (float) momentum;
    }

    @Override
    boolean fuses() {
      return !withMomentum;
    }

    @Override
    boolean foldsScale() {
      // MXNet's sgd_update multiplies lr * rescale_grad first, which rounds otherwise.
      return fuses() && !"MXNet".equals(stateManager.getEngine().getEngineName());
    }

    @Override
    void fused(NDArray weight, NDArray grad, NDArray[] state, float lr, int step, float rescale, NDManager scope) {
      // w -= lr * (g + weight_decay * w), as torch.optim.SGD without momentum.
      weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad), new NDList(weight), lr, weightDecay, rescale, -1f, 0f, true);
    }

    @Override
    void apply(NDArray weight, NDArray grad, NDArray[] state, float lr, int step) {
      NDArray g = weightDecay > 0 ? grad.add(weight.mul(weightDecay)) : grad;
      if (withMomentum) {
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
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    private final float weightDecay;
    private final boolean decoupled;
    private float beta1 = 0.9f;

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
    double momentum() {
      return beta1;
    }

    @Override
    void setMomentum(double momentum) {
      beta1 = (float) momentum;
    }

    @Override
    boolean fuses() {
      return true;
    }

    @Override
    void fused(NDArray weight, NDArray grad, NDArray[] state, float lr, int step, float rescale, NDManager scope) {
      double biasCorrection1 = 1 - Math.pow(beta1, step);
      double sqrtBiasCorrection2 = Math.sqrt(1 - Math.pow(BETA2, step));
      // PyTorch divides m / bc1 by sqrt(v) / sqrt(bc2) + eps; the fused update divides m by
      // sqrt(v) + eps'. The same step: lr' = lr * sqrt(bc2) / bc1 and eps' = eps * sqrt(bc2).
      float stepSize = (float) (lr * sqrtBiasCorrection2 / biasCorrection1);
      float epsilon = (float) (EPSILON * sqrtBiasCorrection2);
      NDList inputs = new NDList(weight, grad, state[0], state[1]);
      if (decoupled) {
        // MXNet's AdamW makes a scalar array with the weight's manager: let it be this step's.
        try (NDManager temporaries = scope.newSubManager()) {
          temporaries.tempAttachAll(weight);
          weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, stepSize, weightDecay, rescale, -1f, beta1, BETA2,
              epsilon, true, true);
        }
      } else {
        weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, stepSize, weightDecay, rescale, -1f, beta1, BETA2,
            epsilon, true, false);
      }
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
      NDArray m = state[0].muli(beta1).addi(g.mul(1 - beta1));
      NDArray v = state[1].muli(BETA2).addi(g.square().mul(1 - BETA2));
      float biasCorrection1 = (float) (1 - Math.pow(beta1, step));
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
