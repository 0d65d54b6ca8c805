package org.torchwork.runtime.plugin;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Plugin;

/**
 * A plugin known from the plugin index: its private copies are taken and hashed, its ids are
 * known, and its module layer is defined, after every check, when one of its ids is first used.
 */
public final class DeferredPlugin {
  private final Plugin indexed;
  private final Supplier<PluginLoader.Loaded> define;
  private PluginLoader.Loaded loaded;

  DeferredPlugin(Plugin indexed, Supplier<PluginLoader.Loaded> define) {
    this.indexed = indexed;
    this.define = define;
  }

  /**
   * The plugin as far as it is known: as indexed until its layer is defined, then as the full
   * load found it (which may be {@link Plugin.Status#FAILED}).
   *
   * @return the plugin
   */
  public synchronized Plugin plugin() {
    return loaded == null ? indexed : loaded.plugin();
  }

  /**
   * Whether its layer has been defined, or its full load tried and failed.
   *
   * @return whether it was loaded in full
   */
  public synchronized boolean tried() {
    return loaded != null;
  }

  /**
   * Defines the plugin's layer, once, after every check.
   *
   * @return the plugin as the full load found it
   */
  public Plugin load() {
    return loadOnce().plugin();
  }

  private synchronized PluginLoader.Loaded loadOnce() {
    if (loaded == null) {
      loaded = define.get();
    }
    return loaded;
  }

  /** What it contributes, its layer defined; throws when it cannot be loaded. */
  Contributions contributions() {
    PluginLoader.Loaded l = loadOnce();
    if (!l.plugin().loaded()) {
      throw new TorchworkException("Plugin " + l.plugin().path() + " cannot be loaded: " + l.plugin().problem().orElse("?"));
    }
    return l.contributions();
  }

  /**
   * The class loaders of its layer, defining it when it was not yet.
   *
   * @return the loaders; empty when it cannot be loaded
   */
  List<ClassLoader> loaders() {
    PluginLoader.Loaded l = loadOnce();
    return l.plugin().loaded() ? l.contributions().loaders : List.of();
  }

  /**
   * The class loaders of its layer if it is already defined.
   *
   * @return the loaders, or empty
   */
  synchronized Optional<List<ClassLoader>> definedLoaders() {
    return loaded == null ? Optional.empty() : Optional.of(loaders());
  }
}
