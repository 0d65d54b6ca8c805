package org.torchwork.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars from sources under src/test/plugins, compiled against the
 * distribution's api jar, the way a plugin author's build would.
 */
final class PluginJars {
  private static final Path SOURCES = Dist.REPO.resolve("integration-tests/src/test/plugins");

  private final String name;
  private boolean modular = true;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Map<String, String> manifest = new LinkedHashMap<>();
  private final List<Path> modulePath = new ArrayList<>();

  private PluginJars(String name) {
    this.name = name;
  }

  /** Starts building the plugin whose sources are in src/test/plugins/NAME. */
  static PluginJars source(String name) {
    return new PluginJars(name);
  }

  /** Builds a modular plugin jar from src/test/plugins/NAME. */
  static Path build(String name, boolean modular, Path jar) {
    return source(name).modular(modular).build(jar);
  }

  /**
   * Modular (compile module-info.java) or plain (declare providers in META-INF/services, loaded as
   * an automatic module).
   */
  PluginJars modular(boolean modular) {
    this.modular = modular;
    return this;
  }

  /** Replaces a token in every source file. */
  PluginJars token(String token, String value) {
    tokens.put(token, value);
    return this;
  }

  /** Adds a manifest attribute. */
  PluginJars manifest(String attribute, String value) {
    manifest.put(attribute, value);
    return this;
  }

  /** Compiles against another jar too (a dependency, or another build of the api). */
  PluginJars against(Path jar) {
    modulePath.add(jar);
    return this;
  }

  /** Compiles the sources and writes the jar. */
  Path build(Path jar) {
    try {
      Path src = copySources();
      Path classes = Files.createTempDirectory("plugin-classes");
      List<String> files;
      try (Stream<Path> s = Files.walk(src)) {
        files = s.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> modular || !p.getFileName().toString().equals("module-info.java"))
            .map(Path::toString).collect(Collectors.toList());
      }
      List<Path> path = new ArrayList<>(modulePath);
      if (modulePath.stream().noneMatch(p -> p.getFileName().toString().startsWith("torchwork-api"))) {
        path.add(Dist.libJar("torchwork-api-"));
      }
      path.add(Dist.libJar("api-0."));
      String joined = path.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
      List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
      args.addAll(modular ? List.of("--module-path", joined) : List.of("--class-path", joined));
      args.addAll(files);
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      if (javac.run(null, errors, errors, args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("compiling plugin " + name + " failed: " + errors.toString(StandardCharsets.UTF_8));
      }
      Manifest mf = new Manifest();
      mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0.0");
      manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
      try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf)) {
        add(out, classes, classes);
        Path services = src.resolve("META-INF/services");
        if (!modular && Files.isDirectory(services)) {
          add(out, src, services);
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path copySources() throws IOException {
    Path from = SOURCES.resolve(name);
    Path to = Files.createTempDirectory("plugin-src-" + name);
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        Path target = to.resolve(from.relativize(p).toString());
        Files.createDirectories(target.getParent());
        String text = Files.readString(p);
        for (Map.Entry<String, String> t : tokens.entrySet()) {
          text = text.replace(t.getKey(), t.getValue());
        }
        Files.writeString(target, text);
      }
    }
    return to;
  }

  private static void add(JarOutputStream out, Path root, Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        out.putNextEntry(new JarEntry(root.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
  }
}
