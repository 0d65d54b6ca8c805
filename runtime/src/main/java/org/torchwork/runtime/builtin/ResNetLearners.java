package org.torchwork.runtime.builtin;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
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
 * A residual network for images, {@code classif.resnet} and {@code regr.resnet}, built with DJL's
 * {@code ResNetV1} builder (He et al., 2016), trained from scratch: no weights are downloaded.
 *
 * <p>The builder picks the form from the image's height. Images up to 28 pixels high get the
 * CIFAR form (a 3 x 3 stem, three stages of 16, 32 and 64 channels), whose {@code depth} is
 * 6n + 2 (20, 32, 44, 56, 110) or, with bottleneck units, 9n + 2 from 164; larger images get the
 * ImageNet form (a 7 x 7 stem and max pooling, four stages), whose depth is 18, 34, 50, 101 or
 * 152. Without {@code depth} the smallest of the form is used: 20 or 18.
 */
public final class ResNetLearners implements LearnerProvider {
  /** The height up to which DJL's builder makes the CIFAR form. */
  private static final long SMALL = 28;

  private static final List<Integer> LARGE_DEPTHS = List.of(18, 34, 50, 101, 152);

  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("depth").min(1)
          .description("layers: 20, 32, 44, 56, 110 for images up to 28 pixels high; 18, 34, 50, 101, 152 above").build(),
      Param.number("bn_momentum").range(0, 1).defaultValue(0.9)
          .description("momentum of the batch normalizations' running statistics").build());

  /** Creates the provider. */
  public ResNetLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.resnet", "Residual network (ResNet v1)", TaskType.CLASSIF, PARAMS, network("classif.resnet")),
        LearnerSpec.of("regr.resnet", "Residual network (ResNet v1)", TaskType.REGR, PARAMS, network("regr.resnet")));
  }

  private static NetworkFactory network(String learner) {
    return (shape, p) -> build(learner, shape, p);
  }

  /** The depth asked for, checked against the form DJL's builder makes for images of this height. */
  static int depth(String learner, long height, ParamValues p) {
    boolean small = height <= SMALL;
    if (!p.has("depth")) {
      return small ? 20 : 18;
    }
    int depth = p.getInt("depth");
    boolean ok = small
        ? (depth < 164 && (depth - 2) % 6 == 0 && depth >= 8) || (depth >= 164 && (depth - 2) % 9 == 0)
        : LARGE_DEPTHS.contains(depth);
    if (!ok) {
      throw new TorchworkException("Learner '" + learner + "': depth " + depth + " does not exist for images " + height
          + " pixels high. " + (small
              ? "Images up to " + SMALL + " pixels high take the CIFAR form: depth 6n + 2 (20, 32, 44, 56, 110) or 9n + 2 from 164."
              : "Images above " + SMALL + " pixels take the ImageNet form: depth " + LARGE_DEPTHS + ".")
          + " Set depth to one of those (--set depth=N), or leave it out for " + (small ? 20 : 18) + ".");
    }
    return depth;
  }

  private static Block build(String learner, NetworkShape shape, ParamValues p) {
    List<Integer> d = shape.dims();
    long[] image;
    if (d.size() == 3) {
      image = new long[] {d.get(0), d.get(1), d.get(2)};
    } else if (d.size() == 2) {
      image = new long[] {1, d.get(0), d.get(1)};
    } else {
      throw new TorchworkException("Learner '" + learner + "' takes images (rows of shape C x H x W), but the task's rows are "
          + (d.size() == 1 ? "flat (" + d.get(0) + " features)" : "of shape " + d) + ". Train it on an IDX file or an image folder,"
          + " or give a Java task a row shape (Task.withRowShape); for a table, use classif.mlp.");
    }
    SequentialBlock resnet = ResNetV1.builder()
        .setImageShape(new Shape(image))
        .setNumLayers(depth(learner, image[1], p))
        .setOutSize(shape.outputs())
        .optBatchNormMomentum((float) p.getDouble("bn_momentum"))
        .build();
    if (d.size() == 3) {
      return resnet;
    }
    SequentialBlock net = new SequentialBlock();
    net.add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().expandDims(1)), "addChannel"));
    net.add(resnet);
    return net;
  }
}
