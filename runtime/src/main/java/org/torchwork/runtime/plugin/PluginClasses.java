package org.torchwork.runtime.plugin;

import java.util.List;

/**
 * Finds a class by name in Torchwork's own modules and in every plugin that loaded, for
 * parameters that name a class (such as {@code cb.lr_lambda.function}). It is the thread's
 * context class loader while callbacks are created. It only finds classes; loading stays with the
 * plugin's own layer.
 */
public final class PluginClasses extends ClassLoader {
  private final List<ClassLoader> plugins;

  /**
   * Creates the loader.
   *
   * @param parent Torchwork's own class loader, asked first
   * @param plugins the loaders of the plugins' layers, asked in order
   */
  public PluginClasses(ClassLoader parent, List<ClassLoader> plugins) {
    super("torchwork-plugins", parent);
    this.plugins = List.copyOf(plugins);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    for (ClassLoader loader : plugins) {
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        // not in this plugin
      }
    }
    throw new ClassNotFoundException(name);
  }
}
