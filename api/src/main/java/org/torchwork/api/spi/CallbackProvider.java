package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import java.util.List;
import org.torchwork.api.TorchCallback;

/**
 * Supplies callbacks, found with {@link java.util.ServiceLoader}. Declare an implementation in
 * {@code module-info.java} ({@code provides org.torchwork.api.spi.CallbackProvider with ...})
 * and, for jars used on the class path, in
 * {@code META-INF/services/org.torchwork.api.spi.CallbackProvider}.
 *
 * <p>Keep the constructor and {@link #callbacks()} cheap: they run at start-up for every command.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface CallbackProvider {
  /**
   * The callbacks this provider supplies; their ids must be unique across all providers.
   *
   * @return the descriptors
   */
  List<TorchCallback> callbacks();
}
