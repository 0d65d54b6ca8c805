package org.torchwork.runtime.builtin;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkFactory;
import org.torchwork.api.spi.NetworkShape;

/**
 * The baselines {@code classif.featureless} and {@code regr.featureless}, as mlr3's learners of
 * those ids: they ignore the features and predict a statistic of the training rows' targets, so
 * that resampling and tuning results can be read against them.
 *
 * <ul>
 *   <li>{@code classif.featureless} predicts each class's share of the training rows as its
 *       probability, and so the most frequent class as the response (mlr3's {@code method=mode}).
 *       Classes tied for most frequent are broken by the task's class order, the first one
 *       winning, for every row (mlr3 draws one of them at random per row). A class no training
 *       row has (all its rows have weight 0, or went to the validation share) gets probability 0,
 *       to float rounding, and a finite loss. mlr3's other methods, {@code sample} and
 *       {@code weighted.sample}, draw a random class per prediction and are not offered.
 *   <li>{@code regr.featureless} predicts the training rows' mean, or with {@code robust=true}
 *       their median: the middle value, or the mean of the two middle values for an even count.
 *       (mlr3's standard error and quantile predictions are not offered.)
 * </ul>
 *
 * <p>With row weights the statistics are weighted: each class's share of the total weight; the
 * weighted mean; and the weighted median, the value at which the rows' cumulative weight, in order
 * of value, passes half the total, or the mean of the two values on either side where it reaches
 * exactly half. A row of weight 2 thus counts as the row twice, weight 0 leaves a row out, and
 * equal weights give the unweighted statistic. (mlr3 averages the two values on either side by
 * their weights instead.)
 *
 * <p>They are learners like every other, trained by the shared loop with their callbacks,
 * validation, measures, early stopping and checkpoints, and saved, loaded and exported alike. The
 * loop hands the factory its training rows ({@link NetworkFactory#create(NetworkShape, ParamValues,
 * Task)}), from which it computes the statistic. The network is two linear layers: the first (one
 * unit) has its weight and bias at 0, the second has its weight at 0 and its bias holding the
 * statistic (for classification its logarithm, whose softmax is the frequencies), so the output is
 * that bias for every row. The bias is frozen: no optimizer touches it. The other parameters train,
 * but their gradients are exactly 0 (the second layer's zero weight passes no gradient back to the
 * first, whose zero output gives the second's weight none), so they stay at 0 whatever the
 * optimizer, learning rate, momentum or weight decay. (The loop could not train a network without
 * any trainable parameter unchanged: neither engine runs a backward pass through one.) The training
 * loss is therefore the baseline's: the cross-entropy of the class frequencies, or the squared
 * error around the mean or median. A resumed run and a saved model load the bias with the other
 * weights. {@code init_from} is refused: the statistic comes from the rows a run trains on, and a
 * saved model has no weights to fine-tune.
 */
public final class FeaturelessLearners implements LearnerProvider {

  static final ParamSet CLASSIF_PARAMS =
      ParamSet.of(
          Param.choice("method", "mode").defaultValue("mode")
              .description("mode: the training rows' class frequencies as probabilities, the most frequent class (the first"
                  + " in class order on ties) as the response; mlr3's random methods are not offered").build());

  static final ParamSet REGR_PARAMS =
      ParamSet.of(
          Param.bool("robust").defaultValue(false)
              .description("predict the training rows' median instead of their mean (weighted, with row weights)").build());

  /** How far below the most frequent class's logit an absent class's lies: e^-200 is 0 in floats. */
  private static final double ABSENT = 200;

  /** Creates the provider. */
  public FeaturelessLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.featureless", "Featureless Classification Learner", TaskType.CLASSIF, CLASSIF_PARAMS,
            new Network("classif.featureless")),
        LearnerSpec.of("regr.featureless", "Featureless Regression Learner", TaskType.REGR, REGR_PARAMS,
            new Network("regr.featureless")));
  }

  /** The constant network; its bias comes from the training rows when a run builds it. */
  private static final class Network implements NetworkFactory {
    private final String learner;

    Network(String learner) {
      this.learner = learner;
    }

    @Override
    public Block create(NetworkShape shape, ParamValues params) {
      // Rebuilt to load saved weights into, or to check the parameters: the bias is loaded.
      return network(shape, params, new float[shape.outputs()]);
    }

    @Override
    public Block create(NetworkShape shape, ParamValues params, Task train) {
      return network(shape, params, constant(learner, train, params));
    }

    @Override
    public long parameterCount(NetworkShape shape, ParamValues params) {
      return shape.inputs() + 1 + 2L * shape.outputs();
    }

    private Block network(NetworkShape shape, ParamValues params, float[] bias) {
      if (params.has("init_from")) {
        throw new TorchworkException("Learner '" + learner + "' cannot start from a saved model (init_from="
            + params.getString("init_from") + "): it predicts a statistic of the rows each run trains on, so it has no"
            + " weights to fine-tune. Remove init_from.");
      }
      if (bias.length != shape.outputs()) {
        throw new IllegalArgumentException(bias.length + " values for " + shape.outputs() + " outputs");
      }
      SequentialBlock net = new SequentialBlock();
      Layers.flattenTensors(net, shape);
      net.add(Linear.builder().setUnits(1).build());
      Linear out = Linear.builder().setUnits(shape.outputs()).build();
      net.add(out);
      net.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
      net.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
      Parameter constant = out.getParameters().get("bias");
      constant.setInitializer((manager, s, dataType) -> manager.create(bias, s).toType(dataType, false));
      constant.freeze(true);
      return net;
    }
  }

  /** The bias that makes the network predict the rows' statistic. */
  private static float[] constant(String learner, Task train, ParamValues params) {
    double total = 0;
    for (int i = 0; i < train.nrow(); i++) {
      total += train.weight(i);
    }
    if (!(total > 0)) {
      throw new TorchworkException("Task '" + train.id() + "' has no training row of positive weight, so learner '" + learner
          + "' has no statistic to predict. Give some of the rows it trains on a positive weight.");
    }
    if (train.type() == TaskType.CLASSIF) {
      double[] shares = frequencies(train);
      double most = Arrays.stream(shares).max().orElseThrow();
      float[] logits = new float[shares.length];
      for (int k = 0; k < shares.length; k++) {
        // The softmax of the logarithms is the shares. A class no row has gets a logit ABSENT below
        // the largest: its probability, e^-ABSENT relative to it, is 0 in floats, and its loss stays finite.
        logits[k] = (float) (shares[k] > 0 ? Math.log(shares[k]) : Math.log(most) - ABSENT);
      }
      return logits;
    }
    return new float[] {(float) (params.getBoolean("robust") ? median(train) : mean(train))};
  }

  /**
   * Each class's share of the rows' weight (of the rows, without weights).
   *
   * @param task a classification task with a row of positive weight
   * @return one share per class, in class order, adding up to 1
   */
  private static double[] frequencies(Task task) {
    double[] shares = new double[task.classes().size()];
    double total = 0;
    for (int i = 0; i < task.nrow(); i++) {
      double w = task.weight(i);
      shares[(int) task.target(i)] += w;
      total += w;
    }
    for (int k = 0; k < shares.length; k++) {
      shares[k] /= total;
    }
    return shares;
  }

  /**
   * The rows' weighted mean target.
   *
   * @param task a regression task with a row of positive weight
   * @return the mean
   */
  private static double mean(Task task) {
    double sum = 0;
    double total = 0;
    for (int i = 0; i < task.nrow(); i++) {
      double w = task.weight(i);
      sum += w * task.target(i);
      total += w;
    }
    return sum / total;
  }

  /**
   * The rows' weighted median target: in order of value, the value at which the cumulative weight
   * passes half the total, or the mean of the values on either side where it reaches exactly half.
   * Rows of weight 0 are left out.
   *
   * @param task a regression task with a row of positive weight
   * @return the median
   */
  private static double median(Task task) {
    int[] rows = IntStream.range(0, task.nrow()).filter(i -> task.weight(i) > 0).boxed()
        .sorted(Comparator.comparingDouble(task::target)).mapToInt(Integer::intValue).toArray();
    double total = 0;
    for (int row : rows) {
      total += task.weight(row);
    }
    double half = total / 2;
    double cumulative = 0;
    for (int i = 0; i < rows.length - 1; i++) {
      cumulative += task.weight(rows[i]);
      if (cumulative == half) {
        return ((double) task.target(rows[i]) + task.target(rows[i + 1])) / 2;
      }
      if (cumulative > half) {
        return task.target(rows[i]);
      }
    }
    return task.target(rows[rows.length - 1]);
  }
}
