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
 * <p>A task of tensors (images, sequences) gives each row a shape ({@link #dims()}): the network
 * then gets a {@code (batch, dims...)} array, e.g. {@code (batch, 1, 28, 28)} for gray images.
 *
 * @param inputs the number of inputs: numeric, then categorical (for tensors: their elements)
 * @param outputs the number of classes for classification, 1 for regression
 * @param categories the number of levels of each categorical input, in input order; empty when
 *     there are none
 * @param dims the shape of one row as the network gets it; {@code [inputs]} for a flat row
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public record NetworkShape(int inputs, int outputs, List<Integer> categories, List<Integer> dims) {
  /**
   * Checks the sizes.
   *
   * @param inputs the number of inputs: numeric, then categorical
   * @param outputs the number of classes for classification, 1 for regression
   * @param categories the number of levels of each categorical input, in input order
   * @param dims the shape of one row; empty or null for a flat row of {@code inputs}
   * @throws IllegalArgumentException when there are more categorical inputs than inputs, a
   *     category has no level, or the shape does not hold the inputs
   */
  public NetworkShape {
    categories = List.copyOf(categories);
    dims = dims == null || dims.isEmpty() ? List.of(inputs) : List.copyOf(dims);
    long product = 1;
    for (int d : dims) {
      product *= d;
    }
    if (product != inputs) {
      throw new IllegalArgumentException("A row of shape " + dims + " holds " + product + " values, not " + inputs + ".");
    }
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
    this(inputs, outputs, List.of(), List.of());
  }

  /**
   * A shape of flat rows with categorical inputs.
   *
   * @param inputs the number of inputs: numeric, then categorical
   * @param outputs the number of classes for classification, 1 for regression
   * @param categories the number of levels of each categorical input, in input order
   * @since 0.3
   */
  public NetworkShape(int inputs, int outputs, List<Integer> categories) {
    this(inputs, outputs, categories, List.of());
  }

  /**
   * Whether the rows are tensors of more than one dimension (images, sequences).
   *
   * @return true when {@link #dims()} has more than one size
   * @since 0.3
   */
  public boolean tensors() {
    return dims.size() > 1;
  }

  /**
   * The shape of a batch of rows as the network gets it.
   *
   * @param rows the rows
   * @return {@code (rows, dims...)}
   * @since 0.3
   */
  public long[] batch(long rows) {
    long[] shape = new long[dims.size() + 1];
    shape[0] = rows;
    for (int i = 0; i < dims.size(); i++) {
      shape[i + 1] = dims.get(i);
    }
    return shape;
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
