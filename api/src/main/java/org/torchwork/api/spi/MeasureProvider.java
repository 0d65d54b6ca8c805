package org.torchwork.api.spi;

import java.util.List;
import org.torchwork.api.Measure;

/** Supplies measures by id, found with {@link java.util.ServiceLoader}. */
public interface MeasureProvider {
  /**
   * The measures this provider supplies.
   *
   * @return the measures
   */
  List<Measure> measures();
}
