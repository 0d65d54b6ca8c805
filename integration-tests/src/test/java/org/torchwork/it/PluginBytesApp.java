package org.torchwork.it;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Plugin;

/**
 * Loads a plugins directory, overwrites the plugin's jar on disk, then creates the plugin's
 * callback: prints where its module was loaded from, that file's SHA-256, and the SHA-256 the
 * plugin was checked with. {@code args}: the plugins directory, the callback's id and the plugin
 * index file.
 */
public final class PluginBytesApp {
  private PluginBytesApp() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Platform platform = Platform.builder().pluginsDir(dir).pluginIndex(Path.of(args[2])).build();
    Plugin plugin = platform.plugins().get(0);
    // Replaced after the check and before any class of the plugin is used.
    Files.write(plugin.path(), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});
    Class<?> type = platform.callback(args[1]).generator();
    URI location = type.getModule().getLayer().configuration().findModule(type.getModule().getName()).orElseThrow()
        .reference().location().orElseThrow();
    Object created = type.getName();
    System.out.println("status " + plugin.status());
    System.out.println("checked " + plugin.sha256());
    System.out.println("loaded " + Dist.sha256(Path.of(location)));
    System.out.println("from " + Path.of(location).getParent().getParent().getFileName().toString().replaceAll("[0-9]+", "N"));
    System.out.println("class " + created);
  }
}
