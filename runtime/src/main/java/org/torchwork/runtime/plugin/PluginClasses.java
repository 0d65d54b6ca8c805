package org.torchwork.runtime.plugin;

import java.util.List;
import java.util.Optional;

/**
 * Finds a class by name in Torchwork's own modules and in every plugin that loaded, for
 * parameters that name a class (such as {@code cb.lr_lambda.function}). It is the thread's
 * context class loader while callbacks are created. It only finds classes; loading stays with the
 * plugin's own layer. Plugins whose layers are not yet defined are asked last, each defined as it is
 * asked.
 */
public final class PluginClasses extends ClassLoader {
  private final List<ClassLoader> plugins;
  private final List<DeferredPlugin> later;

  /**
   * Creates the loader.
   *
   * @param parent Torchwork's own class loader, asked first
   * @param plugins the loaders of the plugins' layers, asked in order
   * @param later the plugins whose layers are defined on first use, asked after the others
   */
  public PluginClasses(ClassLoader parent, List<ClassLoader> plugins, List<DeferredPlugin> later) {
    super("torchwork-plugins", parent);
    this.plugins = List.copyOf(plugins);
    this.later = List.copyOf(later);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    Optional<Class<?>> found = find(name, plugins);
    for (DeferredPlugin p : later) {
      found = found.or(() -> find(name, p.definedLoaders().orElse(List.of())));
    }
    for (DeferredPlugin p : later) {
      found = found.or(() -> find(name, p.loaders()));
    }
    return found.orElseThrow(() -> new ClassNotFoundException(name));
  }

  private static Optional<Class<?>> find(String name, List<ClassLoader> loaders) {
    for (ClassLoader loader : loaders) {
      try {
        return Optional.of(Class.forName(name, false, loader));
      } catch (ClassNotFoundException e) {
        // not in this plugin
      }
    }
    return Optional.empty();
  }
}
