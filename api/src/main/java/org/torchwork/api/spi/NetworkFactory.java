package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import ai.djl.nn.Block;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;

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
   * Builds the fresh, uninitialised network a training run trains, knowing the rows it trains on.
   * A network that takes something from those rows overrides this: a baseline whose output is a
   * statistic of their targets, or an output bias set from their class frequencies. The default
   * ignores the rows and calls {@link #create(NetworkShape, ParamValues)}.
   *
   * <p>The rows are the run's training rows: the task less any validation share, with features
   * as the network gets them (standardized when {@code standardize} is set), targets as they are,
   * and {@link Task#weight(int) row weights} when the task has them. When the run resumes from a
   * checkpoint or starts from a saved model ({@code init_from}), the weights loaded replace
   * whatever this sets. A saved model is rebuilt for prediction with
   * {@link #create(NetworkShape, ParamValues)} and its saved weights loaded into it, so whatever the
   * network takes from the rows must be held in its parameters (a frozen parameter, if training
   * must not change it).
   *
   * @param shape the input and output sizes
   * @param params all of the learner's checked parameter values
   * @param train the rows the run trains on
   * @return the network; classification networks output one logit per class
   * @since 0.3
   */
  default Block create(NetworkShape shape, ParamValues params, Task train) {
    return create(shape, params);
  }

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
