package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.ApiVersion;

/**
 * A plugin author outside this repository: {@code new-plugin} writes a project in an empty folder,
 * Maven builds it there (its TestKit tests train for real), and its jar, dropped into a plugins
 * directory, is used by id.
 */
class NewPluginIT {
  private static final Path LOCAL_REPOSITORY = Path.of(System.getProperty("user.home"), ".m2", "repository");

  @Test
  void aScaffoldedPluginBuildsOutsideTheRepositoryAndIsUsedById(@TempDir Path tmp) throws IOException {
    String version = ApiVersion.current().text();
    assumeTrue(Files.isDirectory(LOCAL_REPOSITORY.resolve("org/torchwork/torchwork-testkit/" + version)),
        "the Torchwork artifacts a plugin builds against are installed by 'mvn install' (the README's test command)");
    Dist.Result created = Dist.torchwork(null, "new-plugin", "loss-printer", "--dir", tmp.toString());
    assertEquals(0, created.exit(), created.toString());
    Path project = tmp.resolve("loss-printer");
    for (String file : List.of("pom.xml", "src/main/java/module-info.java",
        "src/main/java/com/example/lossprinter/LossPrinter.java", "src/main/java/com/example/lossprinter/LossPrinterProvider.java",
        "src/main/resources/META-INF/services/org.torchwork.api.spi.CallbackProvider",
        "src/test/java/com/example/lossprinter/LossPrinterTest.java")) {
      assertTrue(Files.isRegularFile(project.resolve(file)), file);
    }

    Dist.Result build = Dist.run(List.of("bash", "-c", "cd '" + project + "' && mvn -B -o -q package"), Map.of());
    assertEquals(0, build.exit(), "the scaffolded project builds and its tests pass:\n" + build);
    Path jar = project.resolve("target/loss-printer.jar");
    assertTrue(Files.isRegularFile(jar), build.toString());

    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(jar, plugins.resolve("loss-printer.jar"));
    Dist.Result listed = Dist.torchwork(plugins, "plugins");
    assertTrue(listed.outLines().stream().anyMatch(l -> l.matches("LOADED +loss-printer\\.jar +1\\.0\\.0 +" + version.replace(".",
        "\\.") + " +callback:loss_printer .*")), listed.toString());
    Dist.Result train = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "loss_printer", "--set", "epochs=2", "--set", "batch_size=50", "--set", "cb.loss_printer.alpha=0.5");
    assertEquals(0, train.exit(), train.toString());
    assertEquals(2, train.outLines().stream().filter(l -> l.matches("loss_printer: epoch \\d, loss \\d+\\.\\d{4}")).count(),
        train.toString());
  }

  @Test
  void aNameOrFolderInUseIsRefused(@TempDir Path tmp) throws IOException {
    Dist.Result bad = Dist.torchwork(null, "new-plugin", "Loss Printer", "--dir", tmp.toString());
    assertEquals(2, bad.exit(), bad.toString());
    assertEquals("error: Plugin name 'Loss Printer' must be lower-case letters and digits, words joined by dashes, starting"
        + " with a letter, e.g. loss-printer.\n", bad.err());
    Files.createDirectories(tmp.resolve("taken"));
    Files.writeString(tmp.resolve("taken/notes.txt"), "mine");
    Dist.Result taken = Dist.torchwork(null, "new-plugin", "taken", "--dir", tmp.toString());
    assertEquals(2, taken.exit(), taken.toString());
    assertEquals("mine", Files.readString(tmp.resolve("taken/notes.txt")));
    assertTrue(taken.err().contains("exists and is not empty; new-plugin writes a new project and never over files."),
        taken.toString());
  }
}
