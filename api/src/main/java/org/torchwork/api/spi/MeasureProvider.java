package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import java.util.List;
import org.torchwork.api.Measure;

/** Supplies measures by id, found with {@link java.util.ServiceLoader}. */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface MeasureProvider {
  /**
   * The measures this provider supplies.
   *
   * @return the measures
   */
  List<Measure> measures();
}
