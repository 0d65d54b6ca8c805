package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java API doing the vignette's steps, in a forked JVM with the distribution on the module path. */
class JavaApiIT {
  @Test
  void theVignetteThroughTheJavaApi() {
    String testClasses = Dist.REPO.resolve("integration-tests/target/test-classes").toString();
    Dist.Result r = Dist.run(List.of(
        System.getProperty("java.home") + "/bin/java",
        "-Dai.djl.offline=true",
        "-Dlogback.configurationFile=" + Dist.REPO.resolve("integration-tests/src/test/resources/logback-quiet.xml"),
        "-Dtorchwork.plugins=" + Dist.REPO_PLUGINS,
        "--module-path", Dist.LIB.toString(),
        "--add-modules", "org.torchwork.runtime",
        "--class-path", testClasses + File.pathSeparator + Dist.nativesClassPath(),
        VignetteApp.class.getName()), Map.of());
    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertEquals("<TorchCallback:history> History", lines.get(0));
    assertEquals("* Generator: History", lines.get(1));
    assertEquals("* Parameters: (none)", lines.get(2));
    assertTrue(lines.get(3).startsWith("* Packages: org.torchwork.callbacks.history@"), lines.get(3));
    assertEquals("<TorchCallback:custom_logger> Custom logger", lines.get(4));
    assertEquals("* Parameters: alpha=0.1", lines.get(6));
    assertEquals("stages [on_batch_end, on_before_valid]", lines.get(8));
    assertEquals(5, lines.stream().filter(l -> l.matches("Epoch \\d: \\d+\\.\\d\\d")).count(), r.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("state \\d+\\.\\d+")), r.toString());
    assertTrue(lines.contains("history rows 5"), r.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("acc 0\\.\\d+")), r.toString());
  }
}
