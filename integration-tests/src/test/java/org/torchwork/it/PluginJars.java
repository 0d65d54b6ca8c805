package org.torchwork.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plugin jars from sources under src/test/plugins, against the distribution's api. */
final class PluginJars {
  private static final Path SOURCES = Dist.REPO.resolve("integration-tests/src/test/plugins");

  private PluginJars() {}

  /**
   * Compiles a plugin and packs it into a jar.
   *
   * @param name the folder under src/test/plugins
   * @param modular true to compile module-info.java (a modular jar); false for a plain jar
   *     declaring its providers in META-INF/services, loaded as an automatic module
   * @param jar where to write the jar
   */
  static Path build(String name, boolean modular, Path jar) {
    try {
      Path src = SOURCES.resolve(name);
      Path classes = Files.createTempDirectory("plugin-classes");
      List<String> files;
      try (Stream<Path> s = Files.walk(src)) {
        files = s.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> modular || !p.getFileName().toString().equals("module-info.java"))
            .map(Path::toString).collect(Collectors.toList());
      }
      String apiPath = Dist.libJar("torchwork-api-") + java.io.File.pathSeparator + Dist.libJar("api-0.");
      List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
      args.addAll(modular ? List.of("--module-path", apiPath) : List.of("--class-path", apiPath));
      args.addAll(files);
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
      int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
      if (rc != 0) {
        throw new IllegalStateException("compiling plugin " + name + " failed: " + errors);
      }
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0.0");
      try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, manifest)) {
        try (Stream<Path> s = Files.walk(classes)) {
          for (Path p : s.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
            out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
            Files.copy(p, out);
            out.closeEntry();
          }
        }
        if (!modular) {
          Path services = src.resolve("META-INF/services");
          try (Stream<Path> s = Files.list(services)) {
            for (Path p : s.collect(Collectors.toList())) {
              out.putNextEntry(new JarEntry("META-INF/services/" + p.getFileName()));
              Files.copy(p, out);
              out.closeEntry();
            }
          }
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
