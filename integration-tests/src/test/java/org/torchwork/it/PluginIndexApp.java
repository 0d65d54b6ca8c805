package org.torchwork.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Plugin;

/**
 * Builds a platform over a plugins directory twice with one plugin index, and prints how many
 * times the plugin's provider was created at each point: {@code args} are the plugins directory,
 * the index file and the file the provider appends a line to each time it is created.
 */
public final class PluginIndexApp {
  private PluginIndexApp() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path index = Path.of(args[1]);
    Path created = Path.of(args[2]);
    System.setProperty("torchwork.it.counted", created.toString());

    Platform first = Platform.builder().pluginsDir(dir).pluginIndex(index).build();
    print("first", first.plugins().get(0), created);
    Platform second = Platform.builder().pluginsDir(dir).pluginIndex(index).build();
    print("indexed", second.plugins().get(0), created);
    System.out.println("ids " + second.callbacks().ids().contains("counted"));
    String generator = second.callback("counted").generator().getSimpleName();
    print("used " + generator, second.plugins().get(0), created);
    Platform without = Platform.builder().pluginsDir(dir).pluginIndex(null).build();
    print("without index", without.plugins().get(0), created);
  }

  private static void print(String when, Plugin p, Path created) throws Exception {
    long n = Files.exists(created) ? Files.readAllLines(created).size() : 0;
    System.out.println(when + ": " + p.status() + " " + p.ids() + " " + p.modules() + ", provider created " + n + " time(s)");
  }
}
