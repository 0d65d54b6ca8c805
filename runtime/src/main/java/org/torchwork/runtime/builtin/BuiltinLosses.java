package org.torchwork.runtime.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.spi.LossProvider;

/**
 * The built-in losses, each as PyTorch defines it: {@code cross_entropy} (with
 * {@code label_smoothing}) and {@code focal} for classification; {@code mse}, {@code l1},
 * {@code huber}, {@code smooth_l1} and {@code poisson} for regression. Each gives one loss per row;
 * the runtime weighs and averages them.
 */
public final class BuiltinLosses implements LossProvider {

  /** The default for classification: trained through DJL's own softmax cross-entropy when unweighted and unsmoothed. */
  public static final TorchLoss CROSS_ENTROPY = TorchLoss.builder("cross_entropy", TaskType.CLASSIF)
      .label("Cross-entropy")
      .description("-log of the softmax probability of the true class (PyTorch's CrossEntropyLoss); with label_smoothing e,"
          + " the target puts 1 - e on the true class and e spread evenly over all classes")
      .param(Param.number("label_smoothing").range(0, 1).defaultValue(0.0)
          .description("cross_entropy: the share of the target spread evenly over all classes (PyTorch's label_smoothing)"))
      .build((output, target, p) -> {
        NDArray logp = output.logSoftmax(1);
        NDArray nll = picked(logp, target).neg();
        double e = p.getDouble("label_smoothing");
        if (e == 0) {
          return nll;
        }
        // (1 - e) * -log p[y] + e * mean over classes of -log p[k]
        return nll.mul(1 - e).add(logp.mean(new int[] {1}).neg().mul(e));
      });

  /** The default for regression: trained through DJL's own L2 loss (weight 1) when unweighted. */
  public static final TorchLoss MSE = TorchLoss.builder("mse", TaskType.REGR)
      .label("Mean squared error")
      .description("(output - target)^2 (PyTorch's MSELoss)")
      .build((output, target, p) -> rows(output.sub(target).square()));

  private static final TorchLoss L1 = TorchLoss.builder("l1", TaskType.REGR)
      .label("Mean absolute error")
      .description("|output - target| (PyTorch's L1Loss)")
      .build((output, target, p) -> rows(output.sub(target).abs()));

  private static final TorchLoss HUBER = TorchLoss.builder("huber", TaskType.REGR)
      .label("Huber")
      .description("with d = output - target: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (PyTorch's HuberLoss):"
          + " squared near the target, linear far from it")
      .param(Param.number("delta").greaterThan(0).defaultValue(1.0)
          .description("huber: the |output - target| where the loss turns from squared to linear"))
      .build((output, target, p) -> rows(huber(output.sub(target).abs(), p.getDouble("delta"))));

  private static final TorchLoss SMOOTH_L1 = TorchLoss.builder("smooth_l1", TaskType.REGR)
      .label("Smooth L1")
      .description("with d = output - target: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (PyTorch's SmoothL1Loss);"
          + " beta=0 is l1")
      .param(Param.number("beta").min(0).defaultValue(1.0)
          .description("smooth_l1: the |output - target| where the loss turns from squared to linear; 0 is l1"))
      .build((output, target, p) -> {
        double beta = p.getDouble("beta");
        NDArray d = output.sub(target).abs();
        return rows(beta == 0 ? d : huber(d, beta).div(beta));
      });

  private static final TorchLoss FOCAL = TorchLoss.builder("focal", TaskType.CLASSIF)
      .label("Focal")
      .description("-(1 - p)^gamma log p, p the softmax probability of the true class (Lin et al., 2017, for several classes):"
          + " cross-entropy that discounts the rows already classified well; gamma=0 is cross_entropy")
      .param(Param.number("gamma").min(0).defaultValue(2.0)
          .description("focal: how strongly rows already classified well are discounted; 0 is cross_entropy"))
      .build((output, target, p) -> {
        NDArray logp = picked(output.logSoftmax(1), target);
        double gamma = p.getDouble("gamma");
        if (gamma == 0) {
          return logp.neg();
        }
        // (1 - p)^gamma, with p = exp(log p). For a row classified as surely as floats can say, p
        // may round to just above 1, and a negative 1 - p to a fractional power is NaN: 1 - p is
        // kept at 0 or more, and above 0 below gamma 1, where the slope at 0 is infinite (its
        // gradient would be inf * 0).
        NDArray rest = logp.exp().neg().add(1).maximum(gamma < 1 ? Float.MIN_NORMAL : 0f);
        NDArray factor = rest.pow(gamma);
        return factor.mul(logp).neg();
      });

  private static final TorchLoss POISSON = TorchLoss.builder("poisson", TaskType.REGR)
      .label("Poisson")
      .description("exp(output) - target * output, the Poisson negative log-likelihood without its constant (PyTorch's"
          + " PoissonNLLLoss with log_input=True): the network's output is the log of the rate, so its predictions are log"
          + " rates (exp of one is the expected count); targets are counts")
      .build((output, target, p) -> rows(output.exp().sub(target.mul(output))));

  /** Creates the provider. */
  public BuiltinLosses() {}

  @Override
  public List<TorchLoss> losses() {
    return List.of(CROSS_ENTROPY, FOCAL, MSE, L1, HUBER, SMOOTH_L1, POISSON);
  }

  /** Each row's entry for its class: {@code (n)} from {@code (n, classes)}. */
  private static NDArray picked(NDArray perClass, NDArray target) {
    // Picking keeps the class axis, of length 1.
    return perClass.get(new NDIndex().addAllDim().addPickDim(target)).reshape(-1);
  }

  /** 0.5 q^2 + delta (|d| - q) with q = min(|d|, delta): 0.5 d^2 below delta, delta (|d| - 0.5 delta) from it. */
  private static NDArray huber(NDArray absolute, double delta) {
    NDArray q = absolute.minimum(delta);
    return q.square().mul(0.5).add(absolute.sub(q).mul(delta));
  }

  /** A regression loss's {@code (n, 1)} column as {@code (n)}; the mean over the columns of a wider output. */
  private static NDArray rows(NDArray columns) {
    return columns.getShape().get(1) == 1 ? columns.squeeze(1) : columns.mean(new int[] {1});
  }
}
