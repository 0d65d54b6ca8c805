package org.torchwork.examples.convnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;

/**
 * A network for images built from DJL's own blocks, as a third party would ship one: {@code blocks}
 * times a 3 x 3 convolution of {@code filters} channels (doubling each time), batch normalization,
 * ReLU and 2 x 2 max pooling; then global average pooling and the output layer.
 *
 * <p>The network gets batches as arrays of shape (batch, channels, height, width), as the task's
 * rows are shaped: IDX files, image folders and NPY arrays of images give them so.
 */
public final class ConvNetLearners implements LearnerProvider {
  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("filters").min(1).defaultValue(16).description("channels of the first convolution").build(),
      Param.integer("blocks").range(1, 6).defaultValue(2).description("convolution blocks, each halving the image").build());

  /** Creates the provider. */
  public ConvNetLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(LearnerSpec.of("classif.conv_net", "Convolutional network of DJL blocks", TaskType.CLASSIF, PARAMS,
        ConvNetLearners::network));
  }

  static Block network(NetworkShape shape, ParamValues p) {
    List<Integer> dims = shape.dims();
    if (dims.size() != 3) {
      throw new TorchworkException("Learner 'classif.conv_net' takes images (rows of shape channels x height x width), but the task's"
          + " rows are of shape " + dims + ". Train it on an IDX file, an image folder or an NPY array of images.");
    }
    int blocks = p.getInt("blocks");
    if (dims.get(1) >> blocks < 1 || dims.get(2) >> blocks < 1) {
      throw new TorchworkException("Learner 'classif.conv_net': " + blocks + " blocks halve images of " + dims.get(1) + " x "
          + dims.get(2) + " to nothing. Use fewer blocks.");
    }
    SequentialBlock net = new SequentialBlock();
    int filters = p.getInt("filters");
    for (int i = 0; i < blocks; i++) {
      net.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters << i).build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(shape.outputs()).build());
  }
}
