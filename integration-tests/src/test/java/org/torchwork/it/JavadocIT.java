package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Javadoc of {@code api}, {@code data}, {@code runtime} and {@code testkit}, with its overview page, builds
 * with every doclint check on and not one warning.
 */
class JavadocIT {
  @Test
  void apiRuntimeAndTestkitDocumentEverythingWithoutAWarning(@TempDir Path out) throws Exception {
    String modulePath;
    try (Stream<Path> s = Files.list(Dist.LIB)) {
      modulePath = s.map(Path::toString)
          .filter(p -> !p.contains("torchwork-api-") && !p.contains("torchwork-data-") && !p.contains("torchwork-runtime-")
              && !p.contains("torchwork-testkit-"))
          .collect(Collectors.joining(java.io.File.pathSeparator));
    }
    modulePath += java.io.File.pathSeparator + Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ToolProvider javadoc = ToolProvider.findFirst("javadoc").orElseThrow();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(log, true, StandardCharsets.UTF_8);
    int status = javadoc.run(print, print, "-quiet", "-Xdoclint:all", "-overview",
        Dist.REPO.resolve("api/src/main/javadoc/overview.html").toString(), "-d", out.toString(), "-p", modulePath,
        "--module-source-path", "org.torchwork.api=" + Dist.REPO.resolve("api/src/main/java"),
        "--module-source-path", "org.torchwork.data=" + Dist.REPO.resolve("data/src/main/java"),
        "--module-source-path", "org.torchwork.runtime=" + Dist.REPO.resolve("runtime/src/main/java"),
        "--module-source-path", "org.torchwork.testkit=" + Dist.REPO.resolve("testkit/src/main/java"),
        "--module", "org.torchwork.api,org.torchwork.data,org.torchwork.runtime,org.torchwork.testkit");
    String text = log.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, text);
    assertEquals("", text.strip(), "no warning");
    assertTrue(Files.readString(out.resolve("index.html")).contains("The loop and its stages"), "the overview page");
    List<String> modules = List.of("org.torchwork.api", "org.torchwork.data", "org.torchwork.runtime", "org.torchwork.testkit");
    for (String m : modules) {
      assertTrue(Files.isDirectory(out.resolve(m)), m);
    }
  }
}
