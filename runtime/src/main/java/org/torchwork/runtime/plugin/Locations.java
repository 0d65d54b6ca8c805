package org.torchwork.runtime.plugin;

import java.net.URI;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/** Where classes come from, for messages and listings. */
public final class Locations {
  private Locations() {}

  /**
   * Describes where a class was loaded from: its module and jar.
   *
   * @param type the class
   * @return for example {@code "module org.torchwork.callbacks.history (lib/torchwork-callbacks-history.jar)"}
   */
  public static String of(Class<?> type) {
    Module module = type.getModule();
    Optional<String> jar = jarOf(type);
    if (module.isNamed()) {
      return "module " + module.getName() + jar.map(j -> " (" + j + ")").orElse("");
    }
    return jar.orElse("class " + type.getName());
  }

  private static Optional<String> jarOf(Class<?> type) {
    Module module = type.getModule();
    if (module.isNamed() && module.getLayer() != null) {
      Optional<URI> uri =
          module.getLayer().configuration().findModule(module.getName()).flatMap(m -> m.reference().location());
      if (uri.isPresent()) {
        return Optional.of(display(uri.get()));
      }
    }
    CodeSource source = type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(display(source.getLocation().toURI()));
    } catch (java.net.URISyntaxException e) {
      return Optional.of(source.getLocation().toString());
    }
  }

  private static String display(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      return uri.toString();
    }
    Path path = Path.of(uri).toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
  }
}
