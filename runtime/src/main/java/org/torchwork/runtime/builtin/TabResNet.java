package org.torchwork.runtime.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.NetworkShape;

/**
 * The network of {@code classif.tab_resnet} and {@code regr.tab_resnet} (Gorishniy et al. 2021,
 * "Revisiting Deep Learning Models for Tabular Data"): each categorical input replaced by its
 * learned embedding, a linear layer to {@code d_block} units, residual blocks
 * {@code x + dropout2(linear2(dropout1(relu(linear1(batchnorm(x))))))}, then batch norm, ReLU and
 * the output layer.
 *
 * <p>Batch norm normalizes each training batch by its own mean and variance, which one row does
 * not have: a training batch of a single row is refused with what to change, on every engine.
 */
final class TabResNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final String learner;
  private final int outputs;
  private final int numeric;
  private final int categories;
  private final int embedding;
  private final LevelEmbedding embeddings;
  private final Linear input;
  private final List<Residual> blocks = new ArrayList<>();
  private final BatchNorm norm;
  private final Linear output;

  /**
   * The network for a shape.
   *
   * @param learner the learner's id, for messages
   * @param shape the inputs (numeric, then level indices) and outputs
   * @param embedding the length of each categorical input's embedding
   * @param nBlocks the number of residual blocks
   * @param width the width of the residual stream ({@code d_block})
   * @param hidden the hidden width inside a block
   * @param dropout1 the dropout after a block's ReLU
   * @param dropout2 the dropout after a block's second linear layer
   */
  TabResNet(String learner, NetworkShape shape, int embedding, int nBlocks, int width, int hidden, double dropout1,
      double dropout2) {
    super(VERSION);
    this.learner = learner;
    this.outputs = shape.outputs();
    this.numeric = shape.numeric();
    this.categories = shape.categories().size();
    this.embedding = embedding;
    // mlr3torch's token initialization: uniform in +-1/sqrt(d).
    this.embeddings = categories == 0 ? null : addChildBlock("embeddings",
        new LevelEmbedding(numeric, shape.categories(), embedding, false, new UniformInitializer((float) (1 / Math.sqrt(embedding)))));
    this.input = addChildBlock("input", Layers.linear(width));
    for (int i = 0; i < nBlocks; i++) {
      blocks.add(addChildBlock("block" + (i + 1), new Residual(width, hidden, dropout1, dropout2)));
    }
    this.norm = addChildBlock("norm", BatchNorm.builder().build());
    this.output = addChildBlock("output", Layers.linear(shape.outputs()));
  }

  /**
   * How many numbers the network holds (batch norm's running mean and variance included).
   *
   * @param shape the inputs and outputs
   * @param embedding the length of each categorical input's embedding
   * @param nBlocks the number of residual blocks
   * @param width the width of the residual stream
   * @param hidden the hidden width inside a block
   * @return the count
   */
  static long parameterCount(NetworkShape shape, int embedding, int nBlocks, long width, long hidden) {
    long in = shape.numeric() + (long) shape.categories().size() * embedding;
    long count = LevelEmbedding.parameterCount(shape.categories(), embedding, false) + (in + 1) * width;
    long block = 4 * width + (width + 1) * hidden + (hidden + 1) * width;
    return count + nBlocks * block + 4 * width + (width + 1) * shape.outputs();
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long rows = x.getShape().get(0);
    if (training && rows < 2) {
      throw new TorchworkException("Learner '" + learner + "' got a training batch of a single row, but its batch norm"
          + " needs at least 2 rows per batch to normalize them. Choose a batch_size that leaves no last batch of a single"
          + " row (the training rows modulo batch_size must not be 1), and with devices=N, batches of at least 2*N rows.");
    }
    NDArray h = x;
    if (embeddings != null) {
      NDArray embedded = embeddings.forward(parameterStore, new NDList(x), training, params).singletonOrThrow()
          .reshape(rows, (long) categories * embedding);
      h = numeric == 0 ? embedded : NDArrays.concat(new NDList(x.get(new NDIndex(":, :{}", numeric)), embedded), 1);
    }
    h = input.forward(parameterStore, new NDList(h), training, params).singletonOrThrow();
    for (Residual block : blocks) {
      h = block.forward(parameterStore, new NDList(h), training, params).singletonOrThrow();
    }
    h = Activation.relu(norm.forward(parameterStore, new NDList(h), training, params).singletonOrThrow());
    return output.forward(parameterStore, new NDList(h), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long rows = inputShapes[0].get(0);
    Shape h = inputShapes[0];
    if (embeddings != null) {
      embeddings.initialize(manager, dataType, h);
      h = new Shape(rows, numeric + (long) categories * embedding);
    }
    input.initialize(manager, dataType, h);
    h = input.getOutputShapes(new Shape[] {h})[0];
    for (Residual block : blocks) {
      block.initialize(manager, dataType, h);
    }
    norm.initialize(manager, dataType, h);
    output.initialize(manager, dataType, h);
  }

  /** {@code x + dropout2(linear2(dropout1(relu(linear1(batchnorm(x))))))}. */
  static final class Residual extends AbstractBlock {
    private static final byte VERSION = 1;

    private final BatchNorm norm;
    private final Linear first;
    private final Linear second;
    private final double dropout1;
    private final double dropout2;

    Residual(int width, int hidden, double dropout1, double dropout2) {
      super(VERSION);
      this.norm = addChildBlock("norm", BatchNorm.builder().build());
      this.first = addChildBlock("linear1", Layers.linear(hidden));
      this.second = addChildBlock("linear2", Layers.linear(width));
      this.dropout1 = dropout1;
      this.dropout2 = dropout2;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      NDArray h = norm.forward(ps, inputs, training, params).singletonOrThrow();
      h = Activation.relu(first.forward(ps, new NDList(h), training, params).singletonOrThrow());
      h = Layers.dropout(h, dropout1, training);
      h = second.forward(ps, new NDList(h), training, params).singletonOrThrow();
      return new NDList(x.add(Layers.dropout(h, dropout2, training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      Shape x = inputShapes[0];
      Shape hidden = first.getOutputShapes(new Shape[] {x})[0];
      norm.initialize(manager, dataType, x);
      first.initialize(manager, dataType, x);
      second.initialize(manager, dataType, hidden);
    }
  }
}
