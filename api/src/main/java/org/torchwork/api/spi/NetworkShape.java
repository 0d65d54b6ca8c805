package org.torchwork.api.spi;

import java.util.List;
import org.torchwork.api.ApiStatus;

/**
 * The input and output sizes a learner's network must have for a task.
 *
 * <p>A network gets a {@code (batch, inputs)} array of floats. For a learner that takes
 * categorical features as level indices ({@link LearnerSpec.Categories#INDICES}, for embeddings),
 * the last {@code categories().size()} inputs are categorical: each holds a level index from 0 to
 * its count in {@link #categories()} minus 1, as a float; the {@link #numeric()} inputs before them
 * are numbers. For every other learner categories arrive one-hot encoded, as numbers, and
 * {@code categories()} is empty.
 *
 * @param inputs the number of inputs: numeric, then categorical
 * @param outputs the number of classes for classification, 1 for regression
 * @param categories the number of levels of each categorical input, in input order; empty when
 *     there are none
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public record NetworkShape(int inputs, int outputs, List<Integer> categories) {
  /**
   * Checks the sizes.
   *
   * @param inputs the number of inputs: numeric, then categorical
   * @param outputs the number of classes for classification, 1 for regression
   * @param categories the number of levels of each categorical input, in input order
   * @throws IllegalArgumentException when there are more categorical inputs than inputs, or a
   *     category has no level
   */
  public NetworkShape {
    categories = List.copyOf(categories);
    if (categories.size() > inputs) {
      throw new IllegalArgumentException(categories.size() + " categorical inputs among " + inputs + " inputs.");
    }
    for (int levels : categories) {
      if (levels < 1) {
        throw new IllegalArgumentException("A categorical input has " + levels + " levels.");
      }
    }
  }

  /**
   * A shape of numeric inputs alone.
   *
   * @param inputs the number of inputs
   * @param outputs the number of classes for classification, 1 for regression
   */
  public NetworkShape(int inputs, int outputs) {
    this(inputs, outputs, List.of());
  }

  /**
   * How many inputs are numbers: the first ones.
   *
   * @return {@code inputs() - categories().size()}
   * @since 0.3
   */
  public int numeric() {
    return inputs - categories.size();
  }
}
