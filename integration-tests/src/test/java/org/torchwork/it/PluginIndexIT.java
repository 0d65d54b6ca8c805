package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin index: a start that finds a plugin in it knows the plugin's ids at once and defines
 * its layer only when one of them is used, after every check. An index that lies, or that others
 * could write, never makes Torchwork run what it would not run without it.
 */
class PluginIndexIT {
  @TempDir Path tmp;
  Path plugins;
  Path cache;
  Path index;

  @BeforeEach
  void goodPlugin() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    cache = tmp.resolve("cache");
    index = cache.resolve("torchwork/plugins.index");
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
  }

  private Dist.Result torchwork(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(Dist.REPO.resolve("bin/torchwork").toString()));
    command.addAll(List.of(args));
    return Dist.run(command, Map.of("TORCHWORK_PLUGINS", plugins.toString(), "XDG_CACHE_HOME", cache.toString()));
  }

  private Dist.Result train(String callback) {
    return torchwork("train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", callback, "--set", "epochs=1",
        "--set", "batch_size=64", "--set", "seed=1");
  }

  @Test
  void anIndexedPluginIsKnownAtOnceAndItsProviderRunsOnlyWhenItsIdIsUsed() throws IOException {
    PluginJars.build("counted", true, plugins.resolve("counted.jar"));
    Files.delete(plugins.resolve("custom-logger.jar"));
    Path created = tmp.resolve("created.txt");
    Dist.Result r = Dist.javaApp(PluginIndexApp.class, plugins.toString(), index.toString(), created.toString());
    assertEquals(0, r.exit(), r.toString());
    assertEquals(List.of(
        "first: LOADED [callback:counted] [org.torchwork.it.counted], provider created 1 time(s)",
        "indexed: LOADED [callback:counted] [org.torchwork.it.counted], provider created 1 time(s)",
        "ids true",
        "used Counted: LOADED [callback:counted] [org.torchwork.it.counted], provider created 2 time(s)",
        "without index: LOADED [callback:counted] [org.torchwork.it.counted], provider created 3 time(s)"), r.outLines(), r.toString());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(index)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(index.getParent())));
    assertTrue(Files.readString(index).contains(Dist.sha256(plugins.resolve("counted.jar")) + ".ids=callback\\:counted"),
        Files.readString(index));
  }

  @Test
  void aStartWithTheIndexTrainsAndListsAsOneWithout() throws IOException {
    Dist.Result first = torchwork("plugins");
    assertEquals(0, first.exit(), first.toString());
    assertTrue(Files.isRegularFile(index), first.toString());
    String written = Files.readString(index);
    Dist.Result trained = train("custom_logger");
    assertEquals(0, trained.exit(), trained.toString());
    assertTrue(trained.out().contains("custom_logger: "), trained.toString());
    Dist.Result again = torchwork("plugins");
    assertEquals(first.out(), again.out());
    // Nothing changed, so nothing was written.
    assertEquals(written, Files.readString(index));
  }

  @Test
  void anIdTheIndexInventsIsAnErrorWhenUsedAndTheNextFullLoadCorrectsTheIndex() throws IOException {
    assertEquals(0, torchwork("plugins").exit());
    Files.writeString(index, Files.readString(index).replace("ids=callback\\:custom_logger",
        "ids=callback\\:custom_logger\\u001Fcallback\\:ghost"));

    Dist.Result r = train("ghost");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("The plugin " + plugins.resolve("custom-logger.jar") + " no longer provides callback 'ghost',"
        + " which it provided when it was last loaded. Run the command again: the plugin is now indexed as it is."),
        r.toString());
    assertFalse(Files.readString(index).contains("ghost"), Files.readString(index));
    Dist.Result unknown = train("ghost");
    assertTrue(unknown.err().contains("Unknown callback 'ghost'"), unknown.toString());
  }

  @Test
  void aZipBombTheIndexVouchesForIsStillScannedAndRefusedBeforeAnyCodeRuns() throws IOException {
    assertEquals(0, torchwork("plugins").exit());
    Path bomb = plugins.resolve("bomb.jar");
    HostilePluginsIT.zipBomb(bomb, 400L << 20);
    Files.writeString(index, Files.readString(index) + Dist.sha256(bomb) + ".ids=callback\\:bomb\n");

    Dist.Result r = train("bomb");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().matches("(?s).*Plugin " + plugins.resolve("bomb.jar") + " cannot be loaded: bomb\\.jar inflates to more"
        + " than \\d+ bytes \\(zeros and those before it\\), from \\d+ bytes: a zip bomb, or a jar far larger than any plugin\\."
        + " Remove it\\..*"), r.toString());
    Dist.Result list = torchwork("plugins");
    assertEquals(1, list.exit(), list.toString());
    assertTrue(list.out().contains("bomb.jar: bomb.jar inflates to more than"), list.toString());
    assertFalse(Files.readString(index).contains("callback\\:bomb"), Files.readString(index));
  }

  @Test
  void anIndexOthersCanWriteIsNotUsedNorRewritten() throws IOException {
    assertEquals(0, torchwork("plugins").exit());
    String lie = Files.readString(index).replace("ids=callback\\:custom_logger",
        "ids=callback\\:custom_logger\\u001Fcallback\\:ghost");
    Files.writeString(index, lie);
    Files.setPosixFilePermissions(index, PosixFilePermissions.fromString("rw-rw-rw-"));

    Dist.Result r = train("ghost");
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().contains("Unknown callback 'ghost'"), r.toString());
    assertEquals(0, train("custom_logger").exit());
    assertEquals(lie, Files.readString(index));
  }

  @Test
  void withoutAWritableCacheFolderPluginsLoadInFull() throws IOException {
    Files.writeString(cache, "a file where the cache folder would be");
    Dist.Result r = train("custom_logger");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("custom_logger: "), r.toString());
    assertFalse(r.err().contains("index"), r.toString());
  }
}
