package org.torchwork.examples.tabresnet;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
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
 * A residual network for tabular data (after Gorishniy et al., "Revisiting Deep Learning Models
 * for Tabular Data", mlr3torch's {@code tab_resnet}): a linear embedding to {@code d_block}
 * units, then {@code n_blocks} residual blocks of batch norm, linear, ReLU, dropout and linear,
 * then batch norm, ReLU and the output layer.
 *
 * <p>The runtime trains it with the shared loop, so every callback and learner parameter
 * ({@code epochs}, {@code opt.lr}, {@code cb.*}, ...) works as for {@code classif.mlp}. Batch
 * norm needs training batches of at least 2 rows.
 */
public final class TabResNetLearners implements LearnerProvider {
  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("n_blocks").min(1).defaultValue(2).description("residual blocks").build(),
      Param.integer("d_block").min(1).defaultValue(32).description("width of the residual stream").build(),
      Param.number("d_hidden_multiplier").greaterThan(0).defaultValue(2).description("hidden width of a block, as a multiple of d_block").build(),
      Param.number("dropout").min(0).lessThan(1).defaultValue(0.1).description("dropout inside each block").build());

  /** Creates the provider. */
  public TabResNetLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.tab_resnet", "Tabular ResNet", TaskType.CLASSIF, PARAMS, TabResNetLearners::network),
        LearnerSpec.of("regr.tab_resnet", "Tabular ResNet", TaskType.REGR, PARAMS, TabResNetLearners::network));
  }

  static Block network(NetworkShape shape, ParamValues p) {
    int width = p.getInt("d_block");
    int hidden = Math.max(1, (int) Math.round(width * p.getDouble("d_hidden_multiplier")));
    SequentialBlock net = new SequentialBlock().add(Linear.builder().setUnits(width).build());
    for (int i = 0; i < p.getInt("n_blocks"); i++) {
      net.add(residual(block(width, hidden, p.getDouble("dropout"))));
    }
    return net.add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(shape.outputs()).build());
  }

  private static Block block(int width, int hidden, double dropout) {
    SequentialBlock b = new SequentialBlock()
        .add(BatchNorm.builder().build())
        .add(Linear.builder().setUnits(hidden).build())
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
