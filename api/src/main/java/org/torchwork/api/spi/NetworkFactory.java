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
}
