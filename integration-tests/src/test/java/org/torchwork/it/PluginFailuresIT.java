package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a plugin can be broken or unsafe, each with a real jar built here: the broken plugin
 * is reported once with the file, the cause and the fix, and the good plugin beside it still
 * trains.
 */
class PluginFailuresIT {
  @TempDir Path tmp;
  Path plugins;
  Path record;

  @BeforeEach
  void goodPlugin() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.build("recorder", true, plugins.resolve("recorder.jar"));
    record = tmp.resolve("record.txt");
  }

  /** `torchwork plugins` lines by file name: "STATUS name ...". */
  private Map<String, String> listing(Dist.Result r) {
    return r.outLines().stream()
        .filter(l -> l.matches("(LOADED|CONFLICT|FAILED|REFUSED)\\s+\\S+.*"))
        .collect(Collectors.toMap(l -> l.split("\\s+")[1], l -> l));
  }

  /** The problem line the `plugins` command prints for a file. */
  private static String problem(Dist.Result r, String file) {
    return r.outLines().stream().filter(l -> l.startsWith(file + ": ")).findFirst()
        .orElseThrow(() -> new AssertionError("no problem reported for " + file + ":\n" + r));
  }

  /** The good plugin still trains, and the broken one is reported once on standard error. */
  private void goodPluginStillTrains(String broken, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "recorder",
        "--set", "epochs=1", "--set", "batch_size=64", "--set", "cb.recorder.path=" + record));
    args.addAll(List.of(extra));
    Dist.Result r = Dist.torchwork(plugins, args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    assertEquals(1, r.err().lines().filter(l -> l.contains(broken)).count(), "reported once: " + r.err());
  }

  @Test
  void aCorruptJar() throws IOException {
    Files.write(plugins.resolve("corrupt.jar"), "this is not a zip file".repeat(40).getBytes());
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertEquals(1, r.exit(), r.toString());
    assertTrue(listing(r).get("corrupt.jar").startsWith("FAILED"), r.toString());
    assertTrue(listing(r).get("recorder.jar").startsWith("LOADED"), r.toString());
    assertEquals("corrupt.jar: corrupt.jar is not a readable jar (zip END header not found). Rebuild or re-download it,"
        + " or remove it.", problem(r, "corrupt.jar"));
    goodPluginStillTrains("corrupt.jar");
  }

  @Test
  void aMissingDependencyAndItsFix() throws IOException {
    Path missing = PluginJars.source("missing").build(tmp.resolve("missing.jar"));
    PluginJars.source("needs-missing").against(missing).build(plugins.resolve("needs-missing.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("needs-missing.jar").startsWith("FAILED"), r.toString());
    assertEquals("needs-missing.jar: cannot be resolved: Module org.example.missing not found, required by"
        + " org.example.needsmissing. Put the jars it needs beside it, in a folder of its own (plugins/<name>/*.jar).",
        problem(r, "needs-missing.jar"));
    goodPluginStillTrains("needs-missing.jar");

    Path folder = Files.createDirectories(plugins.resolve("needs"));
    Files.move(plugins.resolve("needs-missing.jar"), folder.resolve("needs-missing.jar"));
    Files.copy(missing, folder.resolve("missing.jar"));
    Dist.Result fixed = Dist.torchwork(plugins, "plugins");
    assertEquals(0, fixed.exit(), fixed.toString());
    assertTrue(listing(fixed).get("needs").matches("LOADED\\s+needs\\s+.*callback:needs_helper.*"), fixed.toString());
  }

  @Test
  void aSplitPackage() throws IOException {
    Path folder = Files.createDirectories(plugins.resolve("split"));
    PluginJars.source("util").token("@MODULE@", "org.example.util").token("@VERSION@", "1").build(folder.resolve("util.jar"));
    PluginJars.source("util").token("@MODULE@", "org.example.utiltoo").token("@VERSION@", "2").build(folder.resolve("util-too.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("split").startsWith("FAILED"), r.toString());
    assertEquals("split: package org.example.util is in two of its modules, org.example.util (util.jar) and"
        + " org.example.utiltoo (util-too.jar). A package may live in one module only: remove one of the jars, or rebuild"
        + " them with distinct packages.", problem(r, "split"));
    goodPluginStillTrains("split");
  }

  @Test
  void aProviderWhoseConstructorThrows() throws IOException {
    PluginJars.build("throwing", true, plugins.resolve("throwing.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("throwing.jar").startsWith("FAILED"), r.toString());
    String p = problem(r, "throwing.jar");
    assertTrue(p.startsWith("throwing.jar: its provider org.example.throwing.Provider failed: "), p);
    assertTrue(p.contains("cannot start: no licence key"), p);
    assertTrue(p.endsWith("Fix the provider (its constructor and the list it returns must not throw), or remove the plugin."), p);
    goodPluginStillTrains("throwing.jar");
  }

  @Test
  void aPluginCompiledForANewerJava() throws IOException {
    Path jar = PluginJars.build("recorder", true, tmp.resolve("recorder-25.jar"));
    setClassVersion(jar, plugins.resolve("newer-java.jar"), "org/torchwork/it/recorder/Recorder.class", 69);
    Files.delete(plugins.resolve("recorder.jar"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("newer-java.jar").startsWith("FAILED"), r.toString());
    assertEquals("newer-java.jar: newer-java.jar was compiled for Java 25 (class file version 69,"
        + " org/torchwork/it/recorder/Recorder.class), but Torchwork runs on Java " + Runtime.version().feature()
        + ". Rebuild it with --release " + Runtime.version().feature() + " (maven.compiler.release), or run Torchwork on Java 25"
        + " or newer.", problem(r, "newer-java.jar"));
    Dist.Result train = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "custom_logger", "--set", "epochs=1", "--set", "batch_size=64");
    assertEquals(0, train.exit(), train.toString());
  }

  @Test
  void anIncompatibleApiMajorIsRefusedAndAnotherMinorAccepted() throws IOException {
    Path api = Files.copy(Dist.libJar("torchwork-api-"), tmp.resolve("torchwork-api-9.jar"));
    ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
    assertEquals(0, jar.run(System.out, System.err, "--update", "--file", api.toString(), "--module-version", "9.0.0"));
    PluginJars.source("recorder").against(api).build(plugins.resolve("api-9.jar"));
    PluginJars.source("recorder").modular(false).manifest("Torchwork-Api-Version", "0.99")
        .build(Files.createDirectories(tmp.resolve("minor")).resolve("api-minor.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("api-9.jar").matches("REFUSED\\s+api-9\\.jar\\s+1\\.0\\.0\\s+9\\.0\\.0\\s+.*"), r.toString());
    assertTrue(problem(r, "api-9.jar").startsWith("api-9.jar: was built against Torchwork API 9.0.0, but this Torchwork has API 0."),
        r.toString());
    assertTrue(problem(r, "api-9.jar").endsWith("a plugin must match the major version (0). Use a build of the plugin for API 0.x."),
        r.toString());
    goodPluginStillTrains("api-9.jar");

    Path minor = Files.createDirectories(tmp.resolve("minor-plugins"));
    Files.move(tmp.resolve("minor/api-minor.jar"), minor.resolve("api-minor.jar"));
    Dist.Result accepted = Dist.torchwork(minor, "plugins");
    assertEquals(0, accepted.exit(), accepted.toString());
    assertTrue(listing(accepted).get("api-minor.jar").matches("LOADED\\s+api-minor\\.jar\\s+1\\.0\\.0\\s+0\\.99\\s+callback:recorder.*"),
        accepted.toString());
  }

  @Test
  void duplicateIdsNameBothLocations() throws IOException {
    PluginJars.build("duplicate-history", true, plugins.resolve("duplicate-history.jar"));
    Files.copy(plugins.resolve("recorder.jar"), tmp.resolve("recorder-copy.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(r).get("duplicate-history.jar").startsWith("CONFLICT"), r.toString());
    String p = problem(r, "duplicate-history.jar");
    assertTrue(p.startsWith("duplicate-history.jar: Duplicate callback id 'history': provided by module org.torchwork.callbacks.history ("), p);
    assertTrue(p.contains("and by plugin " + plugins.resolve("duplicate-history.jar")), p);
    goodPluginStillTrains("duplicate-history.jar");
    Dist.Result history = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "history",
        "--set", "epochs=1", "--set", "batch_size=64");
    assertEquals(2, history.exit(), history.toString());
    assertTrue(history.err().contains("error: Duplicate callback id 'history': provided by module org.torchwork.callbacks.history"),
        history.toString());

    Files.delete(plugins.resolve("duplicate-history.jar"));
    Files.copy(tmp.resolve("recorder-copy.jar"), plugins.resolve("recorder-copy.jar"));
    Dist.Result twice = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(twice).get("recorder.jar").startsWith("CONFLICT"), twice.toString());
    assertTrue(listing(twice).get("recorder-copy.jar").startsWith("CONFLICT"), twice.toString());
    assertTrue(problem(twice, "recorder.jar").contains("'recorder': provided by plugin " + plugins.resolve("recorder-copy.jar")
        + " and by plugin " + plugins.resolve("recorder.jar")), twice.toString());
  }

  @Test
  void twoPluginsBundleDifferentVersionsOfTheSameLibrary() throws IOException {
    for (String v : List.of("1", "2")) {
      Path folder = Files.createDirectories(plugins.resolve("user-" + v));
      Path util = Files.copy(utilJar(v), folder.resolve("util-" + v + ".jar"));
      PluginJars.source("util-user").token("@ID@", "util_user_" + v).against(util).build(folder.resolve("user.jar"));
    }
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "util_user_1,util_user_2", "--set", "epochs=1", "--set", "batch_size=64");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().contains("util_user_1 sees util 1"), r.toString());
    assertTrue(r.outLines().contains("util_user_2 sees util 2"), r.toString());
  }

  @Test
  void aDirectoryOrJarOthersCanWriteIsRefusedUnlessAllowed() throws IOException {
    Files.setPosixFilePermissions(plugins.resolve("recorder.jar"), PosixFilePermissions.fromString("rw-rw-rw-"));
    Dist.Result jar = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(jar).get("recorder.jar").startsWith("REFUSED"), jar.toString());
    Path jarPath = plugins.resolve("recorder.jar").toRealPath();
    assertEquals("recorder.jar: is not safe: " + jarPath + " is writable by other users (rw-rw-rw-), so anyone on this"
        + " machine could change the code Torchwork runs. Run 'chmod go-w " + jarPath + "', or pass"
        + " --allow-writable-plugins if you trust everyone who can write there.", problem(jar, "recorder.jar"));
    Files.setPosixFilePermissions(plugins.resolve("recorder.jar"), PosixFilePermissions.fromString("rw-r--r--"));

    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
    Dist.Result dir = Dist.torchwork(plugins, "plugins");
    assertTrue(listing(dir).get("recorder.jar").startsWith("REFUSED"), dir.toString());
    assertTrue(problem(dir, "recorder.jar").contains("the plugins directory is not safe: " + plugins.toRealPath()
        + " is writable by other users (rwxrwxrwx)"),
        dir.toString());
    goodPluginStillTrainsWhenAllowed();
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void goodPluginStillTrainsWhenAllowed() {
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "recorder",
        "--set", "epochs=1", "--set", "batch_size=64", "--set", "cb.recorder.path=" + record, "--allow-writable-plugins");
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void anAllowListPinsJarsBySha256() throws IOException {
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    Path allow = tmp.resolve("allowed.sha256");
    Files.writeString(allow, "# jars we reviewed\n" + Dist.sha256(plugins.resolve("recorder.jar")) + "  recorder.jar\n");
    Dist.Result r = Dist.torchwork(plugins, "plugins", "--plugin-allowlist", allow.toString());
    assertTrue(listing(r).get("recorder.jar").startsWith("LOADED"), r.toString());
    assertTrue(listing(r).get("custom-logger.jar").startsWith("REFUSED"), r.toString());
    String sha = Dist.sha256(plugins.resolve("custom-logger.jar"));
    assertEquals("custom-logger.jar: custom-logger.jar is not in the allow-list " + allow + ": its SHA-256 is " + sha + ". If you"
        + " trust it, add the line '" + sha + "  custom-logger.jar' to the allow-list.", problem(r, "custom-logger.jar"));
    goodPluginStillTrains("custom-logger.jar", "--plugin-allowlist", allow.toString());

    Files.writeString(allow, "not-a-hash  recorder.jar\n");
    Dist.Result bad = Dist.torchwork(plugins, "plugins", "--plugin-allowlist", allow.toString());
    assertEquals(2, bad.exit(), bad.toString());
    assertEquals("error: Plugin allow-list " + allow + " line 1: 'not-a-hash' is not a SHA-256. Each line is '<64 hex digits>"
        + "  <jar name>', as 'sha256sum *.jar' prints it.\n", bad.err());
  }

  @Test
  void oneGoodOneCorruptOneDuplicateEachOnOneLine() throws IOException {
    Files.write(plugins.resolve("corrupt.jar"), new byte[] {1, 2, 3});
    PluginJars.build("duplicate-history", true, plugins.resolve("duplicate-history.jar"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    List<String> lines = r.outLines();
    assertTrue(lines.get(0).startsWith("Plugins directory " + plugins + ": 3 plugin(s); Torchwork API "), r.toString());
    assertTrue(lines.get(1).matches("status\\s+plugin\\s+version\\s+api\\s+provides\\s+sha256"), r.toString());
    assertTrue(lines.get(2).matches("FAILED\\s+corrupt\\.jar\\s+-\\s+-\\s+-\\s+[0-9a-f]{64}"), r.toString());
    assertTrue(lines.get(3).matches("CONFLICT\\s+duplicate-history\\.jar\\s+1\\.0\\.0\\s+0\\.\\S+\\s+callback:history\\s+[0-9a-f]{64}"),
        r.toString());
    assertTrue(lines.get(4).matches("LOADED\\s+recorder\\.jar\\s+1\\.0\\.0\\s+0\\.\\S+\\s+callback:recorder,callback:recorder_first\\s+"
        + Dist.sha256(plugins.resolve("recorder.jar"))), r.toString());
    goodPluginStillTrains("corrupt.jar");
  }

  private Path utilJar(String version) {
    return PluginJars.source("util").token("@MODULE@", "org.example.util").token("@VERSION@", version)
        .build(tmp.resolve("util-" + version + ".jar"));
  }

  /** Copies a jar, setting one class's class-file major version. */
  private static void setClassVersion(Path from, Path to, String entryName, int major) throws IOException {
    try (JarFile in = new JarFile(from.toFile()); OutputStream os = Files.newOutputStream(to);
        JarOutputStream out = new JarOutputStream(os)) {
      Enumeration<JarEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        JarEntry e = entries.nextElement();
        byte[] bytes;
        try (InputStream s = in.getInputStream(e)) {
          bytes = s.readAllBytes();
        }
        if (e.getName().equals(entryName)) {
          bytes[6] = (byte) (major >> 8);
          bytes[7] = (byte) major;
        }
        out.putNextEntry(new JarEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
  }
}
