package org.torchwork.api.spi;

import java.util.List;
import org.torchwork.api.ApiStatus;
import org.torchwork.api.TorchLoss;

/**
 * Supplies losses, found with {@link java.util.ServiceLoader}. Declare an implementation in
 * {@code module-info.java} ({@code provides org.torchwork.api.spi.LossProvider with ...}) and,
 * for jars used on the class path, in {@code META-INF/services/org.torchwork.api.spi.LossProvider}.
 * A learner then trains with one by id ({@code loss=<id>}).
 *
 * <p>Keep the constructor and {@link #losses()} cheap: they run at start-up for every command.
 *
 * @since 0.3
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
public interface LossProvider {
  /**
   * The losses this provider supplies; their ids must be unique across all providers.
   *
   * @return the descriptors
   */
  List<TorchLoss> losses();
}
