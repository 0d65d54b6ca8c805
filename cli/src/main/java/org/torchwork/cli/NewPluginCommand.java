package org.torchwork.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.torchwork.api.ApiVersion;
import org.torchwork.api.TorchworkException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork new-plugin NAME}: a ready plugin project, built outside this repository. */
@Command(
    name = "new-plugin",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a ready plugin project: pom.xml, module-info.java, a callback, its provider, META-INF/services, the api"
          + " version in the manifest, and a TestKit test. 'mvn package' in it tests the callback with a real training run"
          + " and writes target/NAME.jar; drop the jar into the plugins directory and use the callback by id.",
      "The Torchwork artifacts it builds against come from the local Maven repository: run 'mvn install' once in the"
          + " Torchwork checkout.",
      "Example: torchwork new-plugin loss-printer --package com.example.lossprinter"
    })
final class NewPluginCommand implements Callable<Integer> {
  private static final String[][] FILES = {
    {"pom.xml.txt", "pom.xml"},
    {"module-info.java.txt", "src/main/java/module-info.java"},
    {"Callback.java.txt", "src/main/java/@PATH@/@CLASS@.java"},
    {"Provider.java.txt", "src/main/java/@PATH@/@CLASS@Provider.java"},
    {"services.txt", "src/main/resources/META-INF/services/org.torchwork.api.spi.CallbackProvider"},
    {"Test.java.txt", "src/test/java/@PATH@/@CLASS@Test.java"},
  };

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The project's name, e.g. loss-printer; the callback's id is its name with"
      + " underscores (loss_printer).")
  String name;

  @Option(names = "--package", paramLabel = "P", description = "The Java package (default: com.example.<name without dashes>).")
  String packageName;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the project folder (default: here).")
  Path dir = Path.of(".");

  @Override
  public Integer call() {
    if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
      throw new TorchworkException("Plugin name '" + name + "' must be lower-case letters and digits, words joined by dashes,"
          + " starting with a letter, e.g. loss-printer.");
    }
    String pkg = packageName != null ? packageName : "com.example." + name.replace("-", "");
    if (!pkg.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*")) {
      throw new TorchworkException("Package '" + pkg + "' is not a Java package name: lower-case words joined by dots, e.g."
          + " com.example.lossprinter.");
    }
    Path project = dir.resolve(name);
    refuseUsed(project);
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("@NAME@", name);
    tokens.put("@ID@", name.replace('-', '_'));
    tokens.put("@CLASS@", className(name));
    tokens.put("@PACKAGE@", pkg);
    tokens.put("@PATH@", pkg.replace('.', '/'));
    tokens.put("@MODULE@", pkg);
    tokens.put("@GROUP@", pkg.contains(".") ? pkg.substring(0, pkg.lastIndexOf('.')) : pkg);
    tokens.put("@VERSION@", ApiVersion.current().text());
    try {
      for (String[] file : FILES) {
        Path target = project.resolve(replace(file[1], tokens));
        Files.createDirectories(target.getParent());
        Files.writeString(target, replace(template(file[0]), tokens), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new TorchworkException("Plugin project " + project + " could not be written: " + e.getMessage() + ".", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Created " + project + ": callback '" + tokens.get("@ID@") + "' in " + pkg + ", built against Torchwork API "
        + tokens.get("@VERSION@") + ".");
    out.println("Next:");
    out.println("  cd " + project + " && mvn -B package      (tests the callback, writes target/" + name + ".jar)");
    String plugins = System.getenv("TORCHWORK_PLUGINS") != null ? System.getenv("TORCHWORK_PLUGINS")
        : System.getProperty("torchwork.plugins.default", "<torchwork>/plugins");
    out.println("  cp target/" + name + ".jar " + plugins + "/");
    out.println("  bin/torchwork train --task iris --learner classif.mlp --callbacks " + tokens.get("@ID@")
        + " --set epochs=3 --set batch_size=16");
    return 0;
  }

  private static void refuseUsed(Path project) {
    if (!Files.exists(project, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    boolean empty;
    try (Stream<Path> s = Files.list(project)) {
      empty = Files.isDirectory(project, LinkOption.NOFOLLOW_LINKS) && s.findAny().isEmpty();
    } catch (IOException e) {
      empty = false;
    }
    if (!empty) {
      throw new TorchworkException("Folder " + project + " exists and is not empty; new-plugin writes a new project and never"
          + " over files. Choose another name, or --dir another folder.");
    }
  }

  private static String className(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : name.split("-")) {
      sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
    }
    return sb.toString();
  }

  private static String template(String file) {
    try (InputStream in = NewPluginCommand.class.getResourceAsStream("scaffold/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the template " + file + " is missing from the distribution");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String replace(String text, Map<String, String> tokens) {
    for (Map.Entry<String, String> t : tokens.entrySet()) {
      text = text.replace(t.getKey(), t.getValue());
    }
    return text;
  }
}
