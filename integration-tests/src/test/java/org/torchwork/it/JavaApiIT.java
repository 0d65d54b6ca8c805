package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java API doing the vignette's steps, in a forked JVM with the distribution on the module path. */
class JavaApiIT {
  @Test
  void theVignetteThroughTheJavaApi() {
    Dist.Result r = Dist.javaApp(VignetteApp.class);
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
