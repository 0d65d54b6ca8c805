package org.torchwork.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public type of the api declares its stability; internal types say so. */
class ApiStabilityTest {
  private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Path.of(Stage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> s = Files.walk(classes)) {
      names = s.map(p -> classes.relativize(p).toString())
          .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
          .map(n -> n.substring(0, n.length() - 6).replace('/', '.'))
          .collect(Collectors.toList());
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> c = Class.forName(name, false, ApiStabilityTest.class.getClassLoader());
      boolean visible = Modifier.isPublic(c.getModifiers())
          && (c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers()))
          && !c.isAnonymousClass() && !c.isSynthetic();
      if (visible) {
        types.add(c);
      }
    }
    return types;
  }

  @Test
  void everyPublicTypeCarriesAStabilityMarker() throws Exception {
    List<Class<?>> types = publicTypes();
    assertTrue(types.size() > 20, "found the api's classes: " + types);
    List<String> missing = types.stream().filter(c -> !c.isAnnotationPresent(ApiStatus.class)).map(Class::getName).toList();
    assertEquals(List.of(), missing, "public api types without @ApiStatus");
  }

  @Test
  void internalTypesAreMarkedInternalAndOthersAreNot() throws Exception {
    for (Class<?> c : publicTypes()) {
      boolean internal = c.getPackageName().endsWith(".internal");
      assertEquals(internal, c.getAnnotation(ApiStatus.class).value() == ApiStatus.Status.INTERNAL, c.getName());
    }
  }

  @Test
  void theApiVersionIsKnownAndMajorVersionsDecideCompatibility() {
    ApiVersion current = ApiVersion.current();
    assertFalse(current.text().contains("$"), "the version was filtered in: " + current);
    assertTrue(ApiVersion.parse(current.major() + "." + (current.minor() + 3)).runsOn(current), "another minor runs");
    assertFalse(ApiVersion.parse((current.major() + 1) + ".0.0").runsOn(current), "another major does not");
  }
}
