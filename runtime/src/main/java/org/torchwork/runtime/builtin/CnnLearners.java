package org.torchwork.runtime.builtin;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkFactory;
import org.torchwork.api.spi.NetworkShape;

/**
 * A convolutional network for images, {@code classif.cnn} and {@code regr.cnn}: a stack of 2-d
 * convolutions ({@code channels}, one layer per value, {@code kernel} x {@code kernel},
 * {@code padding}), each followed by batch normalization when {@code batch_norm} is set and the
 * activation; max pooling ({@code pool} x {@code pool}) after the last convolution, or after each
 * with {@code pooling=each}; dropout ({@code dropout_conv}); then the rows flattened into dense
 * layers ({@code dense}) with the activation and dropout ({@code dropout}), and the output layer.
 * The defaults are PyTorch's MNIST example: two 3 x 3 convolutions of 32 and 64 channels, 2 x 2 max
 * pooling, dropout 0.25, a dense layer of 128, dropout 0.5.
 *
 * <p>It takes rows of images: tensors of shape C x H x W (or H x W, one channel), as IDX files and
 * image folders give them.
 */
public final class CnnLearners implements LearnerProvider {
  static final ParamSet PARAMS = ParamSet.of(
      Param.integers("channels").min(1).defaultValue(List.of(32, 64))
          .description("output channels of each convolution, e.g. 32,64").build(),
      Param.integer("kernel").min(1).defaultValue(3).description("the convolutions' kernel size").build(),
      Param.integer("padding").min(0).defaultValue(0).description("zeros around each image before a convolution").build(),
      Param.integer("pool").min(1).defaultValue(2).description("max pooling size (and stride); 1 is none").build(),
      Param.choice("pooling", "last", "each").defaultValue("last")
          .description("pool after the last convolution, or after each").build(),
      Param.bool("batch_norm").defaultValue(false).description("batch normalization after each convolution").build(),
      Param.number("dropout_conv").min(0).lessThan(1).defaultValue(0.25)
          .description("dropout after the convolutions").build(),
      Param.integers("dense").min(1).defaultValue(List.of(128)).description("units of each dense layer, e.g. 128").build(),
      Param.number("dropout").min(0).lessThan(1).defaultValue(0.5).description("dropout after each dense layer").build(),
      Param.choice("activation", MlpLearners.ACTIVATIONS.toArray(String[]::new)).defaultValue("relu")
          .description("activation after each convolution and dense layer").build());

  /** Creates the provider. */
  public CnnLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.cnn", "Convolutional network", TaskType.CLASSIF, PARAMS, network("classif.cnn")),
        LearnerSpec.of("regr.cnn", "Convolutional network", TaskType.REGR, PARAMS, network("regr.cnn")));
  }

  private static NetworkFactory network(String learner) {
    return new NetworkFactory() {
      @Override
      public Block create(NetworkShape shape, ParamValues p) {
        return build(learner, shape, p);
      }

      @Override
      public long parameterCount(NetworkShape shape, ParamValues p) {
        return count(learner, shape, p);
      }
    };
  }

  /** The image shape: channels, height, width. */
  private static int[] image(String learner, NetworkShape shape) {
    List<Integer> d = shape.dims();
    if (d.size() == 3) {
      return new int[] {d.get(0), d.get(1), d.get(2)};
    }
    if (d.size() == 2) {
      return new int[] {1, d.get(0), d.get(1)};
    }
    throw new TorchworkException("Learner '" + learner + "' takes images (rows of shape C x H x W), but the task's rows are "
        + (d.size() == 1 ? "flat (" + d.get(0) + " features)" : "of shape " + d) + ". Train it on an IDX file or an image folder,"
        + " or give a Java task a row shape (Task.withRowShape); for a table, use classif.mlp.");
  }

  /** The height and width after each convolution (and pooling), checked to stay at least 1. */
  private static int[] sizes(String learner, int[] image, ParamValues p) {
    int h = image[1];
    int w = image[2];
    int k = p.getInt("kernel");
    int pad = p.getInt("padding");
    int pool = p.getInt("pool");
    List<Integer> channels = p.getList("channels", Integer.class);
    boolean each = p.getString("pooling").equals("each");
    for (int i = 0; i < channels.size(); i++) {
      h = h + 2 * pad - k + 1;
      w = w + 2 * pad - k + 1;
      if (each || i == channels.size() - 1) {
        h /= pool;
        w /= pool;
      }
      if (h < 1 || w < 1) {
        throw new TorchworkException("Learner '" + learner + "': images of " + image[1] + " x " + image[2] + " shrink to nothing after"
            + " convolution " + (i + 1) + " of " + channels.size() + " (kernel " + k + ", padding " + pad + ", pool " + pool + ", pooling "
            + p.getString("pooling") + "). Use fewer convolutions (channels), a smaller kernel or pool, or padding.");
      }
    }
    return new int[] {h, w};
  }

  private static Block build(String learner, NetworkShape shape, ParamValues p) {
    int[] image = image(learner, shape);
    sizes(learner, image, p);
    SequentialBlock net = new SequentialBlock();
    if (shape.dims().size() == 2) {
      net.add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().expandDims(1)), "addChannel"));
    }
    int k = p.getInt("kernel");
    int pad = p.getInt("padding");
    int pool = p.getInt("pool");
    List<Integer> channels = p.getList("channels", Integer.class);
    boolean each = p.getString("pooling").equals("each");
    String activation = p.getString("activation");
    for (int i = 0; i < channels.size(); i++) {
      net.add(Conv2d.builder().setKernelShape(new Shape(k, k)).setFilters(channels.get(i)).optPadding(new Shape(pad, pad)).build());
      if (p.getBoolean("batch_norm")) {
        net.add(BatchNorm.builder().build());
      }
      net.add(MlpLearners.activation(activation));
      if (pool > 1 && (each || i == channels.size() - 1)) {
        // Named with its size, which the TorchScript export reads (DJL's own pooling block does not say it).
        Shape window = new Shape(pool, pool);
        net.add(LambdaBlock.singleton(x -> Pool.maxPool2d(x, window, window, new Shape(0, 0), false), "maxPool2d " + pool));
      }
    }
    if (p.getDouble("dropout_conv") > 0) {
      net.add(Dropout.builder().optRate((float) p.getDouble("dropout_conv")).build());
    }
    net.add(Blocks.batchFlattenBlock());
    for (int units : p.getList("dense", Integer.class)) {
      net.add(Layers.linear(units));
      net.add(MlpLearners.activation(activation));
      if (p.getDouble("dropout") > 0) {
        net.add(Dropout.builder().optRate((float) p.getDouble("dropout")).build());
      }
    }
    net.add(Layers.linear(shape.outputs()));
    // PyTorch's default for convolution weights too: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    net.setInitializer(Layers.LINEAR, Parameter.Type.WEIGHT);
    return net;
  }

  private static long count(String learner, NetworkShape shape, ParamValues p) {
    int[] image = image(learner, shape);
    int[] last = sizes(learner, image, p);
    int k = p.getInt("kernel");
    long total = 0;
    long in = image[0];
    for (int c : p.getList("channels", Integer.class)) {
      total += (in * k * k + 1) * c;
      if (p.getBoolean("batch_norm")) {
        // gamma, beta and the running mean and variance, each a parameter of DJL's BatchNorm.
        total += 4L * c;
      }
      in = c;
    }
    long features = in * last[0] * last[1];
    for (int units : p.getList("dense", Integer.class)) {
      total += (features + 1) * units;
      features = units;
    }
    return total + (features + 1) * shape.outputs();
  }
}
