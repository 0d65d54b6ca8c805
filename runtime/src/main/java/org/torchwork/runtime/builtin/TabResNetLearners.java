package org.torchwork.runtime.builtin;

import ai.djl.nn.Block;
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
 * The tabular residual networks {@code classif.tab_resnet} and {@code regr.tab_resnet} (Gorishniy
 * et al. 2021, mlr3torch's {@code tab_resnet}), with mlr3torch's parameters {@code n_blocks},
 * {@code d_block}, {@code d_hidden} or {@code d_hidden_multiplier}, {@code dropout1} and
 * {@code dropout2}, and {@code d_embedding}: the length of the learned embedding that replaces
 * each categorical feature (mlr3torch's {@code tab_resnet} takes numeric features only). See
 * {@link TabResNet} for the network.
 *
 * <p>Its batch norm needs training batches of at least 2 rows; a batch of one row is refused
 * with what to change.
 */
public final class TabResNetLearners implements LearnerProvider {
  /** The hidden width's multiple of d_block when neither d_hidden nor d_hidden_multiplier is set. */
  static final double HIDDEN_MULTIPLIER = 2;

  static final ParamSet PARAMS = ParamSet.of(
      Param.integer("n_blocks").min(0).defaultValue(2).description("residual blocks").build(),
      Param.integer("d_block").min(1).defaultValue(32).description("width of the residual stream, the input and output of a block")
          .build(),
      Param.integer("d_hidden").min(1)
          .description("hidden width of a block; or set d_hidden_multiplier (neither: 2 times d_block)").build(),
      Param.number("d_hidden_multiplier").greaterThan(0)
          .description("hidden width of a block as a multiple of d_block, rounded; or set d_hidden (neither: 2)").build(),
      Param.number("dropout1").min(0).lessThan(1).defaultValue(0.1)
          .description("dropout probability after a block's activation").build(),
      Param.number("dropout2").min(0).lessThan(1).defaultValue(0.0)
          .description("dropout probability after a block's second linear layer").build(),
      Param.integer("d_embedding").min(1).defaultValue(8)
          .description("length of the learned embedding of each categorical feature").build());

  /** Creates the provider. */
  public TabResNetLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.tab_resnet", "Tabular ResNet", TaskType.CLASSIF, PARAMS, network("classif.tab_resnet"))
            .withCategories(LearnerSpec.Categories.INDICES),
        LearnerSpec.of("regr.tab_resnet", "Tabular ResNet", TaskType.REGR, PARAMS, network("regr.tab_resnet"))
            .withCategories(LearnerSpec.Categories.INDICES));
  }

  private static NetworkFactory network(String learner) {
    return new NetworkFactory() {
      @Override
      public Block create(NetworkShape shape, ParamValues p) {
        Layers.requireFlat(shape, learner);
        return new TabResNet(learner, shape, p.getInt("d_embedding"), p.getInt("n_blocks"), p.getInt("d_block"), hidden(p),
            p.getDouble("dropout1"), p.getDouble("dropout2"));
      }

      @Override
      public long parameterCount(NetworkShape shape, ParamValues p) {
        return TabResNet.parameterCount(shape, p.getInt("d_embedding"), p.getInt("n_blocks"), p.getInt("d_block"), hidden(p));
      }
    };
  }

  private static int hidden(ParamValues p) {
    return hiddenWidth(p, "d_hidden", "d_hidden_multiplier", "d_block", HIDDEN_MULTIPLIER);
  }

  /**
   * A hidden width given as a width or as a multiple of another, as mlr3torch takes them: at most
   * one of the two set, the multiple rounded.
   *
   * @param p the parameter values
   * @param widthId the parameter that gives the width
   * @param multiplierId the parameter that gives the multiple
   * @param baseId the parameter that gives the width the multiple is of
   * @param multiplier the multiple when neither is set
   * @return the width, at least 1
   * @throws TorchworkException when both are set, or the multiple rounds to 0
   */
  static int hiddenWidth(ParamValues p, String widthId, String multiplierId, String baseId, double multiplier) {
    if (p.has(widthId) && p.has(multiplierId)) {
      throw new TorchworkException("Parameters '" + widthId + "' (" + p.getInt(widthId) + ") and '" + multiplierId + "' ("
          + Param.format(p.getDouble(multiplierId)) + ") both set the same hidden width. Set one of them: " + widthId
          + " as a number of units, or " + multiplierId + " as a multiple of " + baseId + ".");
    }
    if (p.has(widthId)) {
      return p.getInt(widthId);
    }
    double times = p.has(multiplierId) ? p.getDouble(multiplierId) : multiplier;
    int base = p.getInt(baseId);
    long width = Math.round(times * base);
    if (width < 1 || width > Integer.MAX_VALUE) {
      throw new TorchworkException("Parameter '" + multiplierId + "' (" + Param.format(times) + ") times " + baseId + " (" + base
          + ") gives a hidden width of " + width + " units. Choose " + multiplierId + " so that the width is between 1 and "
          + Integer.MAX_VALUE + ", or set " + widthId + " instead.");
    }
    return (int) width;
  }
}
