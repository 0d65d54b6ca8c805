package org.torchwork.examples.resmlp;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TaskType;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;

/**
 * A residual multi-layer perceptron, as a third party would ship one: a linear layer to
 * {@code width} units, then {@code n_blocks} residual blocks {@code x + linear(dropout(relu(linear(x))))},
 * then ReLU and the output layer. Each residual connection is a DJL {@link ParallelBlock} of the
 * block and the identity, added up.
 *
 * <p>The runtime trains it with the shared loop, so every callback and learner parameter
 * ({@code epochs}, {@code opt.lr}, {@code cb.*}, ...) works as for {@code classif.mlp}.
 */
public final class ResMlpLearners implements LearnerProvider {
  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("n_blocks").min(1).defaultValue(2).description("residual blocks").build(),
      Param.integer("width").min(1).defaultValue(32).description("units of every hidden layer").build(),
      Param.number("dropout").min(0).lessThan(1).defaultValue(0.1).description("dropout inside each block").build());

  /** Creates the provider. */
  public ResMlpLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.res_mlp", "Residual MLP", TaskType.CLASSIF, PARAMS, ResMlpLearners::network),
        LearnerSpec.of("regr.res_mlp", "Residual MLP", TaskType.REGR, PARAMS, ResMlpLearners::network));
  }

  static Block network(NetworkShape shape, ParamValues p) {
    int width = p.getInt("width");
    SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(width).build());
    for (int i = 0; i < p.getInt("n_blocks"); i++) {
      net.add(residual(block(width, p.getDouble("dropout"))));
    }
    return net.add(Activation.reluBlock())
        .add(Linear.builder().setUnits(shape.outputs()).build());
  }

  private static Block block(int width, double dropout) {
    SequentialBlock b = new SequentialBlock()
        .add(Linear.builder().setUnits(width).build())
        .add(Activation.reluBlock());
    if (dropout > 0) {
      b.add(Dropout.builder().optRate((float) dropout).build());
    }
    return b.add(Linear.builder().setUnits(width).build());
  }

  /** x + f(x). */
  private static Block residual(Block f) {
    return new ParallelBlock(
        outputs -> new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow())),
        List.of(f, new LambdaBlock(x -> x)));
  }
}
