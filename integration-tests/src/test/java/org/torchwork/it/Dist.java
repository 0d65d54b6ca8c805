package org.torchwork.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The built distribution, and how to run it as a user would: in forked JVMs. */
final class Dist {
  static final Path REPO = Path.of(System.getProperty("torchwork.repo", "..")).toAbsolutePath().normalize();
  static final Path HOME = REPO.resolve("cli/target/torchwork");
  static final Path LIB = HOME.resolve("lib");
  static final Path REPO_PLUGINS = REPO.resolve("plugins");

  private Dist() {}

  /** What a process printed and how it exited. */
  record Result(int exit, String out, String err) {
    List<String> outLines() {
      return out.lines().collect(Collectors.toList());
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  /** Runs {@code bin/torchwork} at the repository root with a plugins directory. */
  static Result torchwork(Path plugins, String... args) {
    List<String> command = new ArrayList<>();
    command.add(REPO.resolve("bin/torchwork").toString());
    command.addAll(List.of(args));
    return run(command, plugins == null ? Map.of() : Map.of("TORCHWORK_PLUGINS", plugins.toString()));
  }

  /** The jar of a module in the distribution's lib directory, found by file-name prefix. */
  static Path libJar(String prefix) {
    try (Stream<Path> s = Files.list(LIB)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + prefix + "* in " + LIB + "; build with mvn verify"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs an application from the test classes on the class path, with the distribution's modules
   * on the module path and its native jars on the class path, as a user's application would run.
   */
  static Result javaApp(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + "/bin/java",
        "-Dai.djl.offline=true",
        "-Dlogback.configurationFile=" + REPO.resolve("integration-tests/src/test/resources/logback-quiet.xml"),
        "-Dtorchwork.plugins=" + REPO_PLUGINS,
        "--module-path", LIB.toString(),
        "--add-modules", "org.torchwork.runtime",
        "--class-path", REPO.resolve("integration-tests/target/test-classes") + java.io.File.pathSeparator + nativesClassPath(),
        main.getName()));
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  /** The native jars, for the class path. */
  static String nativesClassPath() {
    try (Stream<Path> s = Files.list(HOME.resolve("natives"))) {
      return s.map(Path::toString).sorted().collect(Collectors.joining(java.io.File.pathSeparator));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file's SHA-256, in hex. */
  static String sha256(Path file) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command, waiting for it to end. */
  static Result run(List<String> command, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
    pb.environment().remove("TORCHWORK_PLUGINS");
    pb.environment().remove("TORCHWORK_ENGINE");
    pb.environment().remove("TORCHWORK_DEVICE");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = read(p.getInputStream());
      CompletableFuture<String> err = read(p.getErrorStream());
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
