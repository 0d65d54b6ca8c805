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
 * ({@code ctx.gradients()}) and the optimizer. Where the engine writes every backward pass into
 * the same buffer (MXNet), a gradient's handle is kept for the run while its parameter keeps its
 * array: fetching and freeing one costs three native calls. PyTorch may replace a gradient that
 * has other handles when it next accumulates into it, so there the handles live for one step.
 */
final class StepGradients {
  private final List<Pair<String, Parameter>> parameters;
  private final NDManager runManager;
  private final boolean keep;
  private final Map<Parameter, NDArray[]> kept = new IdentityHashMap<>();
  private final Map<Parameter, NDArray> step = new IdentityHashMap<>();
  private NDManager scope;
  private Map<String, NDArray> named;

  /**
   * @param parameters the network's parameters, by name, in order
   * @param runManager owns the handles kept for the run
   * @param keep whether handles may be kept across steps (the engine overwrites gradients)
   */
  StepGradients(List<Pair<String, Parameter>> parameters, NDManager runManager, boolean keep) {
    this.parameters = parameters;
    this.runManager = runManager;
    this.keep = keep;
  }

  /** Starts a step whose handles belong to {@code scope}. */
  void newStep(NDManager scope) {
    this.scope = scope;
    step.clear();
    named = null;
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
    NDArray weight = parameter.getArray();
    if (!keep) {
      NDArray grad = step.get(parameter);
      if (grad == null) {
        grad = weight.getGradient();
        grad.attach(scope);
        step.put(parameter, grad);
      }
      return grad;
    }
    NDArray[] held = kept.get(parameter);
    if (held != null && held[0] == weight) {
      return held[1];
    }
    if (held != null) {
      held[1].close();
    }
    NDArray grad = weight.getGradient();
    grad.attach(runManager);
    kept.put(parameter, new NDArray[] {weight, grad});
    return grad;
  }

  /** Every trained parameter's gradient, by name, in order. */
  Map<String, NDArray> all() {
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
