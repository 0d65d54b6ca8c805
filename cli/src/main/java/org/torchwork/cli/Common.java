package org.torchwork.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.torchwork.runtime.Platform;
import picocli.CommandLine.Option;

/** Options every command shares. */
final class Common {
  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description = "Plugins directory (default: $TORCHWORK_PLUGINS, else the distribution's plugins/).")
  Path plugins;

  @Option(names = "--verbose", description = "Show log messages, DJL's included, and stack traces.")
  boolean verbose;

  @Option(names = "--json", description = "Print one JSON document on standard output instead of text (its shape is in the"
      + " README); messages still go to standard error.")
  boolean json;

  @Option(names = "--allow-writable-plugins",
      description = "Load plugins even where other users can write (refused by default).")
  boolean allowWritable;

  @Option(names = "--plugin-allowlist", paramLabel = "FILE",
      description = "Load only plugin jars whose SHA-256 is listed in FILE (lines as sha256sum prints them;"
          + " default: $TORCHWORK_PLUGIN_ALLOWLIST).")
  Path allowlist;

  /** Builds the platform: everything on the module path plus the plugins directory. */
  Platform platform() {
    return platform((Path) null);
  }

  /** The platform, with a warning on {@code err} for each plugin that is not loaded or warns. */
  Platform platform(PrintWriter err) {
    Platform platform = platform();
    Output.warnAboutPlugins(platform, err);
    return platform;
  }

  /**
   * Builds the platform, with the plugins directory a config file names when there is no
   * {@code --plugins} flag.
   */
  Platform platform(Path fromConfig) {
    Platform.Builder b = Platform.builder().allowWritablePlugins(allowWritable);
    Path dir = pluginsDir(fromConfig);
    if (dir != null) {
      b.pluginsDir(dir);
    }
    String envAllowlist = System.getenv("TORCHWORK_PLUGIN_ALLOWLIST");
    if (allowlist != null) {
      b.pluginAllowlist(allowlist);
    } else if (envAllowlist != null && !envAllowlist.isBlank()) {
      b.pluginAllowlist(Path.of(envAllowlist));
    }
    return b.build();
  }

  private Path pluginsDir(Path fromConfig) {
    if (plugins != null) {
      return plugins;
    }
    if (fromConfig != null) {
      return fromConfig;
    }
    String env = System.getenv("TORCHWORK_PLUGINS");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String def = System.getProperty("torchwork.plugins.default");
    if (def != null && !def.isBlank() && java.nio.file.Files.isDirectory(Path.of(def))) {
      return Path.of(def);
    }
    return null;
  }
}
