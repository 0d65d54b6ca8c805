package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients of a training step, fetched from the engine once and shared by the callbacks
 * ({@code ctx.gradients()}) and the optimizer; the handles live for the step. (They are not kept
 * longer: PyTorch may replace a gradient that has other handles when it next accumulates into
 * it, and MXNet gives an array a new gradient buffer when it is frozen and unfrozen.)
 *
 * <p>A scale asked for with {@code ctx.scaleGradients} is kept pending: the optimizer's fused
 * update applies it on the way (its {@code rescale_grad}), and only a later read of
 * {@link #all()} or an update without a fused form multiplies the arrays themselves.
 */
final class StepGradients {
  private final List<Pair<String, Parameter>> parameters;
  private final Map<Parameter, NDArray> step = new IdentityHashMap<>();
  private NDManager scope;
  private Map<String, NDArray> named;
  private double pending = 1;

  /**
   * @param parameters the network's parameters, by name, in order
   */
  StepGradients(List<Pair<String, Parameter>> parameters) {
    this.parameters = parameters;
  }

  /** Starts a step whose handles belong to {@code scope}. */
  void newStep(NDManager scope) {
    this.scope = scope;
    step.clear();
    named = null;
    pending = 1;
  }

  /** Multiplies this step's gradients by {@code factor}, lazily. */
  void scale(double factor) {
    pending *= factor;
  }

  /** The factor not yet applied to the arrays: 1 when there is none. */
  float pendingScale() {
    return (float) pending;
  }

  /** Forgets the pending factor: the update has applied it. */
  void scaled() {
    pending = 1;
  }

  /** Multiplies the arrays by the pending factor, once. */
  void applyScale() {
    if (pending != 1) {
      float factor = (float) pending;
      pending = 1;
      for (Pair<String, Parameter> p : parameters) {
        if (trained(p.getValue())) {
          of(p.getValue()).muli(factor);
        }
      }
    }
  }

  /** The parameters, by name, in order. */
  List<Pair<String, Parameter>> parameters() {
    return parameters;
  }

  /** Whether a parameter is trained and has a gradient. */
  static boolean trained(Parameter p) {
    return p.requiresGradient() && p.isInitialized() && p.getArray().hasGradient();
  }

  /** The gradient of a trained parameter. */
  NDArray of(Parameter parameter) {
    NDArray grad = step.get(parameter);
    if (grad == null) {
      grad = parameter.getArray().getGradient();
      grad.attach(scope);
      step.put(parameter, grad);
    }
    return grad;
  }

  /** Every trained parameter's gradient, by name, in order, with any pending scale applied. */
  Map<String, NDArray> all() {
    applyScale();
    if (named == null) {
      Map<String, NDArray> map = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : parameters) {
        if (trained(p.getValue())) {
          map.put(p.getKey(), of(p.getValue()));
        }
      }
      named = Collections.unmodifiableMap(map);
    }
    return named;
  }
}
