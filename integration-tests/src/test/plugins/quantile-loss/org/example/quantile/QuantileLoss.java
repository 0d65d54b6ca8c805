package org.example.quantile;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.spi.LossProvider;

/** A loss a plugin adds: the pinball loss of a quantile, written as each row's loss alone. */
public final class QuantileLoss implements LossProvider {
  @Override
  public List<TorchLoss> losses() {
    return List.of(TorchLoss.builder("quantile", TaskType.REGR)
        .description("pinball loss: an output below the target costs q per unit, above it 1 - q")
        .param(Param.number("q").range(0, 1).defaultValue(0.5).description("quantile: the quantile to predict"))
        .build((output, target, p) -> {
          NDArray d = target.sub(output);
          double q = p.getDouble("q");
          return d.mul(q).maximum(d.mul(q - 1)).squeeze(1);
        }));
  }
}
