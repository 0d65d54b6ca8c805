package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import ai.djl.nn.Block;
import org.torchwork.api.ParamValues;

/** Builds a learner's network for a task's shape from the learner's parameter values. */
@FunctionalInterface
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface NetworkFactory {
  /**
   * Builds a fresh, uninitialised network.
   *
   * @param shape the input and output sizes
   * @param params all of the learner's checked parameter values
   * @return the network; classification networks output one logit per class
   */
  Block create(NetworkShape shape, ParamValues params);

  /**
   * How many numbers the network's parameters hold, known without building it, so that a network
   * too large for the machine is refused before any memory is taken.
   *
   * @param shape the input and output sizes
   * @param params all of the learner's checked parameter values
   * @return the count, or -1 when unknown (no check is made then)
   * @since 0.2
   */
  default long parameterCount(NetworkShape shape, ParamValues params) {
    return -1;
  }
}
