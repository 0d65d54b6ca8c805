package org.torchwork.runtime.builtin;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.spi.NetworkShape;

/**
 * The network of {@code classif.ft_transformer} and {@code regr.ft_transformer}, the
 * FT-Transformer of Gorishniy et al. 2021 ("Revisiting Deep Learning Models for Tabular Data") as
 * mlr3torch builds it: a feature tokenizer turns every feature into a token of {@code d_token}
 * numbers (numeric feature j: {@code x_j * W_j + b_j}; categorical feature k: its level's embedding
 * plus {@code b_k}), a learned [CLS] token is appended, {@code n_blocks} transformer layers
 * follow, and the head reads the [CLS] token: layer norm, ReLU, linear.
 *
 * <p>A transformer layer is multi-head self-attention and a feed-forward network (ReGLU by
 * default), each with dropout and a residual connection; with prenormalization (the default) each
 * normalizes its input, except the first layer's attention, which reads the tokens
 * themselves; without it each normalizes its output. The last layer computes only the [CLS]
 * token's output, the only one the head reads.
 */
final class FtTransformer extends AbstractBlock {
  private static final byte VERSION = 1;

  /** The settings of the transformer layers. */
  record Settings(int dToken, int heads, double attentionDropout, String attentionInitialization, int ffnHidden,
      String ffnActivation, double ffnDropout, double residualDropout, boolean prenormalization, String initToken) {
    /** Whether the feed-forward activation gates one half of its input with the other. */
    boolean gated() {
      return ffnActivation.endsWith("glu");
    }
  }

  private final int outputs;
  private final Tokenizer tokenizer;
  private final List<Layer> layers = new ArrayList<>();
  private final LayerNorm norm;
  private final Linear output;

  /**
   * The network for a shape.
   *
   * @param shape the inputs (numeric, then level indices) and outputs
   * @param nBlocks the number of transformer layers
   * @param settings the layers' settings
   */
  FtTransformer(NetworkShape shape, int nBlocks, Settings settings) {
    super(VERSION);
    this.outputs = shape.outputs();
    this.tokenizer = addChildBlock("tokenizer", new Tokenizer(shape, settings.dToken(), tokenInitializer(settings)));
    for (int i = 0; i < nBlocks; i++) {
      layers.add(addChildBlock("layer" + (i + 1), new Layer(settings, i == 0, i == nBlocks - 1)));
    }
    this.norm = addChildBlock("norm", LayerNorm.builder().axis(1).build());
    this.output = addChildBlock("output", Layers.linear(outputs));
  }

  /**
   * How many numbers the network holds.
   *
   * @param shape the inputs and outputs
   * @param nBlocks the number of transformer layers
   * @param s the layers' settings
   * @return the count
   */
  static long parameterCount(NetworkShape shape, int nBlocks, Settings s) {
    long d = s.dToken();
    long hidden = s.ffnHidden();
    long count = 2L * shape.numeric() * d + LevelEmbedding.parameterCount(shape.categories(), s.dToken(), true) + d;
    for (int i = 0; i < nBlocks; i++) {
      boolean attentionNorm = i > 0 || !s.prenormalization();
      count += (attentionNorm ? 2 * d : 0) + 4 * (d * d + d) + 2 * d;
      count += (d + 1) * hidden * (s.gated() ? 2 : 1) + (hidden + 1) * d;
    }
    return count + 2 * d + (d + 1) * shape.outputs();
  }

  private static Initializer tokenInitializer(Settings s) {
    float scale = (float) (1 / Math.sqrt(s.dToken()));
    return "normal".equals(s.initToken()) ? new NormalInitializer(scale) : new UniformInitializer(scale);
  }

  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = tokenizer.forward(parameterStore, inputs, training, params).singletonOrThrow();
    for (Layer layer : layers) {
      h = layer.forward(parameterStore, new NDList(h), training, params).singletonOrThrow();
    }
    // The [CLS] token is the last one.
    NDArray cls = h.get(new NDIndex(":, {}, :", h.getShape().get(1) - 1));
    cls = Activation.relu(norm.forward(parameterStore, new NDList(cls), training, params).singletonOrThrow());
    return output.forward(parameterStore, new NDList(cls), training, params);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    tokenizer.initialize(manager, dataType, inputShapes);
    Shape h = tokenizer.getOutputShapes(inputShapes)[0];
    for (Layer layer : layers) {
      layer.initialize(manager, dataType, h);
      h = layer.getOutputShapes(new Shape[] {h})[0];
    }
    Shape cls = new Shape(h.get(0), h.get(2));
    norm.initialize(manager, dataType, cls);
    output.initialize(manager, dataType, cls);
  }

  /**
   * The feature tokenizer and the [CLS] token: {@code (batch, inputs)} to {@code (batch, numeric +
   * categorical + 1, d_token)}.
   */
  static final class Tokenizer extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int numeric;
    private final int categories;
    private final int dToken;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter cls;
    private final LevelEmbedding embeddings;

    Tokenizer(NetworkShape shape, int dToken, Initializer initializer) {
      super(VERSION);
      this.numeric = shape.numeric();
      this.categories = shape.categories().size();
      this.dToken = dToken;
      if (numeric > 0) {
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(numeric, dToken)).optInitializer(initializer).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
            .optShape(new Shape(numeric, dToken)).optInitializer(initializer).build());
      } else {
        weight = null;
        bias = null;
      }
      cls = addParameter(Parameter.builder().setName("cls").setType(Parameter.Type.WEIGHT)
          .optShape(new Shape(dToken)).optInitializer(initializer).build());
      embeddings = categories == 0 ? null
          : addChildBlock("embeddings", new LevelEmbedding(numeric, shape.categories(), dToken, true, initializer));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      Device device = x.getDevice();
      long rows = x.getShape().get(0);
      NDList tokens = new NDList(3);
      if (numeric > 0) {
        NDArray values = x.get(new NDIndex(":, :{}", numeric)).expandDims(2);
        tokens.add(values.mul(ps.getValue(weight, device, training)).add(ps.getValue(bias, device, training)));
      }
      if (embeddings != null) {
        tokens.add(embeddings.forward(ps, inputs, training, params).singletonOrThrow());
      }
      // The [CLS] token for every row, made from an array of the batch's (so that it is freed with it).
      tokens.add(x.getManager().ones(new Shape(rows, 1, 1), DataType.FLOAT32, device).mul(ps.getValue(cls, device, training)));
      return new NDList(tokens.size() == 1 ? tokens.head() : NDArrays.concat(tokens, 1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), numeric + categories + 1L, dToken)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      if (embeddings != null) {
        embeddings.initialize(manager, dataType, inputShapes);
      }
    }
  }

  /**
   * A transformer layer on {@code (batch, tokens, d_token)}: attention, then the feed-forward
   * network, each with its residual connection. The last layer's output is the [CLS] token's
   * alone, {@code (batch, 1, d_token)}.
   */
  static final class Layer extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Settings settings;
    private final boolean last;
    private final LayerNorm attentionNorm;
    private final ScaledDotProductAttentionBlock attention;
    private final LayerNorm ffnNorm;
    private final Linear ffnFirst;
    private final Linear ffnSecond;

    Layer(Settings settings, boolean first, boolean last) {
      super(VERSION);
      this.settings = settings;
      this.last = last;
      // With prenormalization the first layer's attention reads the tokens as they are (the paper's choice).
      this.attentionNorm = first && settings.prenormalization() ? null
          : addChildBlock("attentionNorm", LayerNorm.builder().axis(2).build());
      this.attention = addChildBlock("attention", ScaledDotProductAttentionBlock.builder()
          .setEmbeddingSize(settings.dToken()).setHeadCount(settings.heads())
          .optAttentionProbsDropoutProb((float) settings.attentionDropout()).build());
      // mlr3torch's initialization: the query, key and value projections kaiming (PyTorch's
      // linear default) or xavier with gain 1/sqrt(2); the output projection PyTorch's linear
      // default; every bias zero.
      Initializer projections = "xavier".equals(settings.attentionInitialization())
          ? new XavierInitializer(RandomType.UNIFORM, FactorType.AVG, 1.5f) : Layers.LINEAR;
      attention.getQueryProjection().setInitializer(projections, Parameter.Type.WEIGHT);
      attention.getKeyProjection().setInitializer(projections, Parameter.Type.WEIGHT);
      attention.getValueProjection().setInitializer(projections, Parameter.Type.WEIGHT);
      attention.getResultProjection().setInitializer(Layers.LINEAR, Parameter.Type.WEIGHT);
      this.ffnNorm = addChildBlock("ffnNorm", LayerNorm.builder().axis(2).build());
      this.ffnFirst = addChildBlock("ffnLinear1", Layers.linear((long) settings.ffnHidden() * (settings.gated() ? 2 : 1)));
      this.ffnSecond = addChildBlock("ffnLinear2", Layers.linear(settings.dToken()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      boolean pre = settings.prenormalization();
      NDArray r = pre && attentionNorm != null ? norm(attentionNorm, ps, x, training, params) : x;
      NDList attended;
      if (last) {
        // Only the [CLS] token (the last) asks: the head reads no other token's output.
        NDIndex cls = new NDIndex(":, {}:, :", x.getShape().get(1) - 1);
        attended = attention.forward(ps, new NDList(r, r.get(cls), r), training, params);
        x = x.get(cls);
      } else {
        attended = attention.forward(ps, new NDList(r), training, params);
      }
      x = x.add(Layers.dropout(attended.singletonOrThrow(), settings.residualDropout(), training));
      if (!pre) {
        x = norm(attentionNorm, ps, x, training, params);
      }
      r = pre ? norm(ffnNorm, ps, x, training, params) : x;
      r = ffnFirst.forward(ps, new NDList(r), training, params).singletonOrThrow();
      r = Layers.dropout(activation(r), settings.ffnDropout(), training);
      r = ffnSecond.forward(ps, new NDList(r), training, params).singletonOrThrow();
      x = x.add(Layers.dropout(r, settings.residualDropout(), training));
      return new NDList(pre ? x : norm(ffnNorm, ps, x, training, params));
    }

    private static NDArray norm(LayerNorm norm, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
      return norm.forward(ps, new NDList(x), training, params).singletonOrThrow();
    }

    /** ReGLU and GeGLU: the first half times the activation of the second; ReLU and GELU: the activation. */
    private NDArray activation(NDArray h) {
      switch (settings.ffnActivation()) {
        case "reglu":
        case "geglu":
          NDList halves = h.split(2, 2);
          NDArray gate = "reglu".equals(settings.ffnActivation()) ? Activation.relu(halves.get(1)) : Activation.gelu(halves.get(1));
          return halves.get(0).mul(gate);
        case "relu":
          return Activation.relu(h);
        case "gelu":
          return Activation.gelu(h);
        default:
          throw new AssertionError(settings.ffnActivation());
      }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      Shape x = inputShapes[0];
      return new Shape[] {last ? new Shape(x.get(0), 1, x.get(2)) : x};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      Shape x = inputShapes[0];
      if (attentionNorm != null) {
        attentionNorm.initialize(manager, dataType, x);
      }
      attention.initialize(manager, dataType, x);
      ffnNorm.initialize(manager, dataType, x);
      ffnFirst.initialize(manager, dataType, x);
      ffnSecond.initialize(manager, dataType, new Shape(x.get(0), x.get(1), settings.ffnHidden()));
    }
  }
}
