package org.torchwork.runtime.tune;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configuration a tuning tries.
 *
 * @param number the trial's number, from 1; the same number always gets the same values for the
 *     same search space, method and seed
 * @param values the searched settings' values, by key
 */
public record Trial(int number, Map<String, Object> values) {
  /**
   * Copies the values.
   *
   * @param number the number
   * @param values the values
   */
  public Trial {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
