package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.torchwork.api.Stage;

/** Callback state is plain data: neither the api nor the runtime ever reads Java serialization. */
class NoJavaSerializationTest {
  private static final String[] FORBIDDEN = {"java/io/ObjectInputStream", "java/io/ObjectOutputStream"};

  @Test
  void noClassOfTheApiOrRuntimeReferencesObjectStreams() throws IOException, URISyntaxException {
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    for (Class<?> anchor : List.of(Stage.class, Platform.class)) {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (byte[] bytes : classFiles(location)) {
        scanned++;
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String forbidden : FORBIDDEN) {
          if (text.contains(forbidden)) {
            offenders.add(anchor.getModule() + " class #" + scanned + " uses " + forbidden);
          }
        }
      }
    }
    assertTrue(scanned > 30, "scanned the api and runtime classes: " + scanned);
    assertEquals(List.of(), offenders);
  }

  private static List<byte[]> classFiles(Path location) throws IOException {
    List<byte[]> out = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> s = Files.walk(location)) {
        for (Path p : s.filter(p -> p.toString().endsWith(".class")).toList()) {
          out.add(Files.readAllBytes(p));
        }
      }
      return out;
    }
    try (JarFile jar = new JarFile(location.toFile())) {
      for (var e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
        out.add(jar.getInputStream(e).readAllBytes());
      }
    }
    return out;
  }
}
