package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import java.util.List;

/**
 * Supplies learners, found with {@link java.util.ServiceLoader} like {@link CallbackProvider}.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface LearnerProvider {
  /**
   * The learners this provider supplies; their ids must be unique across all providers.
   *
   * @return the descriptions
   */
  List<LearnerSpec> learners();
}
