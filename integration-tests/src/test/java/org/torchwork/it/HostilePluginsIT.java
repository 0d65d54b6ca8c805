package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugins directory under attack, each case built for real: a link to {@code /dev/zero}, a
 * pipe, a zip bomb, jars and folders owned by another user or writable by others, links out of
 * the directory, and Torchwork run as a second user with {@code setpriv}. Every bad entry is
 * reported on its own line and every good plugin and every command keeps working.
 *
 * <p>The ownership cases need root (to give files to another uid) and {@code setpriv}; where
 * either is missing they are skipped, saying so.
 */
class HostilePluginsIT {
  private static final int OTHER_UID = 65534;
  private static final String OTHER_USER = "nobody";
  Path tmp;
  Path plugins;

  @BeforeEach
  void goodPlugin() throws IOException {
    // Readable by the second user: a shared temporary folder with the usual permissions.
    tmp = Files.createTempDirectory("hostile-plugins-");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
  }

  @AfterEach
  void cleanUp() throws IOException {
    Dist.run(List.of("rm", "-rf", tmp.toString()), Map.of());
  }

  private static Map<String, String> listing(Dist.Result r) {
    return r.outLines().stream()
        .filter(l -> l.matches("(LOADED|CONFLICT|FAILED|REFUSED)\\s+\\S+.*"))
        .collect(Collectors.toMap(l -> l.split("\\s+")[1], l -> l.split("\\s+")[0]));
  }

  private static String problem(Dist.Result r, String file) {
    return r.outLines().stream().filter(l -> l.startsWith(file + ": ")).findFirst()
        .orElseThrow(() -> new AssertionError("no problem reported for " + file + ":\n" + r));
  }

  /** The good plugin trains, and the other commands run, beside whatever else is in the directory. */
  private void everythingElseWorks() {
    Dist.Result train = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "custom_logger", "--set", "epochs=1", "--set", "batch_size=64", "--set", "seed=1");
    assertEquals(0, train.exit(), train.toString());
    assertTrue(train.out().contains("custom_logger: "), train.toString());
    for (String command : List.of("callbacks", "engines", "schedule")) {
      Dist.Result r = command.equals("schedule") ? Dist.torchwork(plugins, command, "custom_logger,history")
          : Dist.torchwork(plugins, command);
      assertEquals(0, r.exit(), command + ": " + r);
    }
  }

  @Test
  void devicesPipesAndZipBombsFailAloneAndEveryCommandStillWorks() throws IOException {
    Files.createSymbolicLink(plugins.resolve("zero.jar"), Path.of("/dev/zero"));
    Files.createSymbolicLink(plugins.resolve("dangling.jar"), tmp.resolve("nowhere.jar"));
    assertEquals(0, Dist.run(List.of("mkfifo", plugins.resolve("pipe.jar").toString()), Map.of()).exit());
    zipBomb(plugins.resolve("bomb.jar"), 400L << 20);
    Path folder = Files.createDirectories(plugins.resolve("folder-plugin"));
    Files.createSymbolicLink(folder.resolve("random.jar"), Path.of("/dev/urandom"));

    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertEquals(1, r.exit(), r.toString());
    assertEquals(Map.of("custom-logger.jar", "LOADED", "zero.jar", "FAILED", "dangling.jar", "FAILED", "pipe.jar", "FAILED",
        "bomb.jar", "FAILED", "folder-plugin", "FAILED"), listing(r), r.toString());
    assertEquals("zero.jar: is a symbolic link to /dev/zero, which is not a regular file (a device, a pipe or a socket)."
        + " Torchwork reads plugins only from regular jar files and folders of them: remove it.", problem(r, "zero.jar"));
    assertEquals("pipe.jar: is not a regular file (a device, a pipe or a socket). Torchwork reads plugins only from regular"
        + " jar files and folders of them: remove it.", problem(r, "pipe.jar"));
    assertTrue(problem(r, "dangling.jar").startsWith("dangling.jar: is a symbolic link to " + tmp.resolve("nowhere.jar")
        + ", which cannot be reached"), r.toString());
    assertTrue(problem(r, "bomb.jar").matches("bomb\\.jar: bomb\\.jar inflates to more than \\d+ bytes \\(zeros and those"
        + " before it\\), from \\d+ bytes: a zip bomb, or a jar far larger than any plugin\\. Remove it\\."), r.toString());
    assertTrue(problem(r, "folder-plugin").startsWith("folder-plugin: random.jar is a symbolic link to /dev/urandom, which is not a"
        + " regular file"), r.toString());
    everythingElseWorks();
  }

  @Test
  void aLinkIsFollowedOnlyToATargetThatPassesTheSameChecks() throws IOException {
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Files.copy(Dist.REPO_PLUGINS.resolve("res-mlp.jar"), shared.resolve("res-mlp.jar"));
    Files.createSymbolicLink(plugins.resolve("res-mlp.jar"), shared.resolve("res-mlp.jar"));
    Dist.Result safe = Dist.torchwork(plugins, "plugins");
    assertEquals("LOADED", listing(safe).get("res-mlp.jar"), safe.toString());

    // The same link, once others may write to the folder its target is in.
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Dist.Result unsafe = Dist.torchwork(plugins, "plugins");
    assertEquals("REFUSED", listing(unsafe).get("res-mlp.jar"), unsafe.toString());
    assertEquals("res-mlp.jar: is a symbolic link to " + shared.resolve("res-mlp.jar") + ", which is not safe: " + shared
        + " is writable by other users (rwxrwxrwx), so anyone on this machine could change the code Torchwork runs. Run 'chmod"
        + " go-w " + shared + "', or pass --allow-writable-plugins if you trust everyone who can write there.",
        problem(unsafe, "res-mlp.jar"));
    assertEquals("LOADED", listing(unsafe).get("custom-logger.jar"), unsafe.toString());
  }

  @Test
  void theBytesCheckedAreTheBytesLoadedEvenIfTheJarIsReplacedAfterTheCheck() throws IOException {
    String sha = Dist.sha256(plugins.resolve("custom-logger.jar"));
    Path index = tmp.resolve("cache/plugins.index");
    // Not in the index yet, so loaded in full at the start; then indexed, so loaded on first use.
    for (String start : List.of("first", "indexed")) {
      Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Dist.Result r = Dist.javaApp(PluginBytesApp.class, plugins.toString(), "custom_logger", index.toString());
      assertEquals(0, r.exit(), start + ": " + r);
      assertEquals(List.of("status LOADED", "checked " + sha, "loaded " + sha, "from torchwork-plugins-N-N",
          "class org.torchwork.examples.customlogger.CustomLogger"), r.outLines(), start + ": " + r);
      assertTrue(Files.readString(index).contains(sha + ".ids=callback\\:custom_logger"), start);
    }
  }

  @Test
  void aFolderAboveThePluginsDirectoryThatOthersCanWriteIsRefused() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Dist.Result r = Dist.torchwork(plugins, "plugins");
    assertEquals("REFUSED", listing(r).get("custom-logger.jar"), r.toString());
    assertEquals("custom-logger.jar: the plugins directory is not safe: " + tmp + " is writable by other users (rwxrwxrwx),"
        + " so anyone on this machine could change the code Torchwork runs. Run 'chmod go-w " + tmp + "', or pass"
        + " --allow-writable-plugins if you trust everyone who can write there.", problem(r, "custom-logger.jar"));
    // A sticky folder, as /tmp is, lets no one replace what others put in it.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(0, Dist.run(List.of("chmod", "+t", tmp.toString()), Map.of()).exit());
    Dist.Result sticky = Dist.torchwork(plugins, "plugins");
    assertEquals("LOADED", listing(sticky).get("custom-logger.jar"), sticky.toString());
  }

  @Test
  void aJarOrDirectoryOwnedByAnotherUserIsRefusedWithTheChownFix() throws IOException {
    assumeRoot();
    Files.copy(Dist.REPO_PLUGINS.resolve("res-mlp.jar"), plugins.resolve("res-mlp.jar"));
    chown(plugins.resolve("res-mlp.jar"), OTHER_UID);
    Dist.Result jar = Dist.torchwork(plugins, "plugins");
    assertEquals(Map.of("custom-logger.jar", "LOADED", "res-mlp.jar", "REFUSED"), listing(jar), jar.toString());
    assertEquals("res-mlp.jar: is not safe: " + plugins.resolve("res-mlp.jar") + " is owned by user " + OTHER_USER
        + ", not by you (root) or root, so user " + OTHER_USER + " could change the code Torchwork runs. If you trust it, run"
        + " 'chown root " + plugins.resolve("res-mlp.jar") + "'; otherwise remove it.", problem(jar, "res-mlp.jar"));

    chown(plugins, OTHER_UID);
    Dist.Result dir = Dist.torchwork(plugins, "plugins");
    assertEquals(Map.of("custom-logger.jar", "REFUSED", "res-mlp.jar", "REFUSED"), listing(dir), dir.toString());
    assertTrue(problem(dir, "custom-logger.jar").contains("the plugins directory is not safe: " + plugins + " is owned by user "
        + OTHER_USER), dir.toString());
  }

  @Test
  void asASecondUserRootsFilesAreTrustedAndAThirdUsersAreNot() throws IOException {
    assumeRoot();
    // Run as uid 65534: the directory and jar belong to root, which every user trusts.
    Dist.Result asOther = asUser(OTHER_UID, "plugins");
    assertEquals(0, asOther.exit(), asOther.toString());
    assertEquals(Map.of("custom-logger.jar", "LOADED"), listing(asOther), asOther.toString());

    // A jar of a third user (uid 65533) is refused for the second user too.
    Files.copy(Dist.REPO_PLUGINS.resolve("res-mlp.jar"), plugins.resolve("res-mlp.jar"));
    chown(plugins.resolve("res-mlp.jar"), OTHER_UID - 1);
    Dist.Result third = asUser(OTHER_UID, "plugins");
    assertEquals(Map.of("custom-logger.jar", "LOADED", "res-mlp.jar", "REFUSED"), listing(third), third.toString());
    assertTrue(problem(third, "res-mlp.jar").contains("is owned by user " + (OTHER_UID - 1) + ", not by you (" + OTHER_USER
        + ") or root"), third.toString());

    // The second user's own jar is trusted by the second user, and the good plugin trains as them.
    chown(plugins.resolve("res-mlp.jar"), OTHER_UID);
    Dist.Result own = asUser(OTHER_UID, "plugins");
    assertEquals(Map.of("custom-logger.jar", "LOADED", "res-mlp.jar", "LOADED"), listing(own), own.toString());
    Dist.Result train = asUser(OTHER_UID, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger",
        "--set", "epochs=1", "--set", "batch_size=64");
    assertEquals(0, train.exit(), train.toString());
  }

  private Dist.Result asUser(int uid, String... args) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home-" + uid));
    chown(home, uid);
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "env",
        "HOME=" + home, Dist.HOME.resolve("bin/torchwork").toString()));
    command.addAll(List.of(args));
    return Dist.run(command, Map.of("TORCHWORK_PLUGINS", plugins.toString()));
  }

  private static void chown(Path p, int uid) {
    assertEquals(0, Dist.run(List.of("chown", String.valueOf(uid), p.toString()), Map.of()).exit());
  }

  private static void assumeRoot() {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving files to another user needs root; this runs as "
        + System.getProperty("user.name"));
    assumeTrue(Stream.of("/usr/bin/setpriv", "/bin/setpriv").anyMatch(p -> Files.isExecutable(Path.of(p))),
        "setpriv (util-linux) is needed to run as a second user");
  }

  /** A jar of one entry of zeros, which deflate about a thousandfold. */
  static void zipBomb(Path jar, long bytes) throws IOException {
    try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry("zeros"));
      byte[] zeros = new byte[1 << 20];
      for (long n = 0; n < bytes; n += zeros.length) {
        zip.write(zeros);
      }
      zip.closeEntry();
    }
  }
}
