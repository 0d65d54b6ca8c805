package org.torchwork.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;

/**
 * Plugin discovery. {@code make DIR N} writes N real plugin jars into DIR, each a module with one
 * callback ({@code bench_000} ...), compiled against the api jar in one javac run.
 * {@code discover DIR} builds a platform over that plugins directory in this fresh JVM and prints
 * {@code plugins DIR_NAME jars callbacks milliseconds}: the time from the start of the build to
 * every callback id resolved.
 */
public final class Plugins {
  private Plugins() {}

  /**
   * Makes or discovers plugins.
   *
   * @param args {@code make DIR N} or {@code discover DIR}
   * @throws Exception when it fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    if (args[0].equals("make")) {
      make(dir, Integer.parseInt(args[2]));
      return;
    }
    long start = System.nanoTime();
    Platform platform = Platform.builder().pluginsDir(dir).build();
    int callbacks = platform.callbacks().ids().size();
    double ms = (System.nanoTime() - start) / 1e6;
    platform.plugins().stream().filter(p -> !p.loaded()).findFirst().ifPresent(p -> {
      throw new IllegalStateException("plugin " + p.path() + " did not load: " + p);
    });
    long jars;
    try (Stream<Path> s = Files.list(dir)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).count();
    }
    System.out.println(String.format(Locale.ROOT, "plugins %s %d %d %.1f", dir.getFileName(), jars, callbacks, ms));
  }

  private static String jarOf(Class<?> type) {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
  }

  private static void make(Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    Path src = Files.createTempDirectory("bench-plugin-src");
    Path classes = Files.createTempDirectory("bench-plugin-classes");
    List<String> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String n = String.format(Locale.ROOT, "p%03d", i);
      Path module = src.resolve("bench.plugin." + n);
      Path pkg = module.resolve("bench/" + n);
      Files.createDirectories(pkg);
      Files.writeString(module.resolve("module-info.java"), "module bench.plugin." + n + " {\n  requires org.torchwork.api;\n"
          + "  provides org.torchwork.api.spi.CallbackProvider with bench." + n + ".Provider;\n}\n");
      Files.writeString(pkg.resolve("Provider.java"), "package bench." + n + ";\n\n"
          + "import java.util.List;\nimport org.torchwork.api.CallbackSet;\nimport org.torchwork.api.Context;\n"
          + "import org.torchwork.api.TorchCallback;\nimport org.torchwork.api.spi.CallbackProvider;\n\n"
          + "public final class Provider implements CallbackProvider {\n"
          + "  public static final class Counter extends CallbackSet {\n    int batches;\n"
          + "    @Override public void onBatchEnd(Context ctx) { batches++; }\n"
          + "    @Override public Object stateDict() { return batches; }\n  }\n\n"
          + "  @Override public List<TorchCallback> callbacks() {\n"
          + "    return List.of(TorchCallback.builder(\"bench_" + n.substring(1) + "\", Counter.class)"
          + ".description(\"counts batches\").build(p -> new Counter()));\n  }\n}\n");
      files.add(module.resolve("module-info.java").toString());
      files.add(pkg.resolve("Provider.java").toString());
    }
    String modulePath = jarOf(TorchCallback.class) + java.io.File.pathSeparator + jarOf(ai.djl.ndarray.NDArray.class);
    List<String> options = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "--module-source-path",
        src.toString(), "--module-path", modulePath));
    options.addAll(files);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    if (javac.run(null, errors, errors, options.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("compiling the plugins failed: " + errors.toString(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < count; i++) {
      String n = String.format(Locale.ROOT, "p%03d", i);
      Path out = classes.resolve("bench.plugin." + n);
      Manifest mf = new Manifest();
      mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "1.0.0");
      try (OutputStream os = Files.newOutputStream(dir.resolve("bench-" + n + ".jar")); JarOutputStream jar = new JarOutputStream(os, mf)) {
        List<Path> entries;
        try (Stream<Path> s = Files.walk(out)) {
          entries = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : entries) {
          jar.putNextEntry(new JarEntry(out.relativize(p).toString().replace('\\', '/')));
          Files.copy(p, jar);
          jar.closeEntry();
        }
      }
    }
  }
}
