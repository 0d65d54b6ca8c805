package org.torchwork.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One entry of the plugins directory — a jar, or a folder of jars — and what became of it.
 *
 * @param path the jar or folder
 * @param modules the names of the modules it holds (empty when it could not be read)
 * @param ids the ids it provides, each prefixed by its kind ({@code callback:custom_logger})
 * @param problem why it was not loaded, or empty when it loaded
 */
public record Plugin(Path path, List<String> modules, List<String> ids, Optional<String> problem) {

  /**
   * Whether the plugin loaded and its providers are in use.
   *
   * @return true when loaded
   */
  public boolean loaded() {
    return problem.isEmpty();
  }
}
