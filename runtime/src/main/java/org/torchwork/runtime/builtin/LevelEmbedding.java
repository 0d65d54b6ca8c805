package org.torchwork.runtime.builtin;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * Learned embeddings of the categorical inputs of a network that takes them as level indices
 * ({@link org.torchwork.api.spi.NetworkShape}): from a {@code (batch, inputs)} array whose last
 * {@code levels.size()} columns each hold a level index, it makes a {@code (batch, categories,
 * dimension)} array, one row of {@code dimension} numbers per categorical input.
 *
 * <p>All inputs share one table, each input's levels after the previous inputs' (as mlr3torch's
 * and the reference implementation's categorical tokenizers do), so that a batch takes a single
 * lookup. With a bias, each input also adds a vector of its own to whatever level it has.
 */
final class LevelEmbedding extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int numeric;
  private final float[] offsets;
  private final int dimension;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * An embedding.
   *
   * @param numeric how many numeric inputs come before the categorical ones
   * @param levels each categorical input's number of levels, in input order; not empty
   * @param dimension the length of each embedding
   * @param withBias whether each input adds a vector of its own
   * @param initializer draws the table and the bias
   */
  LevelEmbedding(int numeric, List<Integer> levels, int dimension, boolean withBias, Initializer initializer) {
    super(VERSION);
    this.numeric = numeric;
    this.dimension = dimension;
    this.offsets = new float[levels.size()];
    long rows = 0;
    for (int k = 0; k < levels.size(); k++) {
      offsets[k] = rows;
      rows += levels.get(k);
    }
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, dimension)).optInitializer(initializer).build());
    bias = withBias
        ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
            .optShape(new Shape(levels.size(), dimension)).optInitializer(initializer).build())
        : null;
  }

  /**
   * How many numbers an embedding holds.
   *
   * @param levels each categorical input's number of levels
   * @param dimension the length of each embedding
   * @param withBias whether each input adds a vector of its own
   * @return the table's size, plus the biases'
   */
  static long parameterCount(List<Integer> levels, int dimension, boolean withBias) {
    long rows = 0;
    for (int l : levels) {
      rows += l;
    }
    return (rows + (withBias ? levels.size() : 0)) * dimension;
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Device device = x.getDevice();
    long columns = x.getShape().get(1);
    if (columns - numeric != offsets.length) {
      throw new IllegalArgumentException("The embedding expects " + offsets.length + " categorical inputs after " + numeric
          + " numeric ones, but the input has " + columns + " columns.");
    }
    // Row indices into the shared table: each input's level plus where its levels start there.
    NDArray rows = x.get(new NDIndex(":, {}:", numeric)).add(x.getManager().create(offsets))
        .toType(DataType.INT32, false);
    NDArray table = parameterStore.getValue(weight, device, training);
    NDArray embedded = rows.getNDArrayInternal().embedding(rows, table, SparseFormat.DENSE).singletonOrThrow();
    return new NDList(bias == null ? embedded : embedded.add(parameterStore.getValue(bias, device, training)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), offsets.length, dimension)};
  }
}
