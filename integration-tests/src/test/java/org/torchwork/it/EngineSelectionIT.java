package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the engine without touching code: by flag, system property, environment variable or
 * config file, highest first; and the errors when a backend is missing or cannot load.
 */
class EngineSelectionIT {
  @TempDir Path tmp;

  private static final String[] TRAIN = {
    "train", "--task", "iris", "--learner", "classif.mlp", "--set", "epochs=1", "--set", "batch_size=64"
  };

  private static String firstLine(Dist.Result r) {
    assertEquals(0, r.exit(), r.toString());
    return r.outLines().get(0);
  }

  private Path config(String engine) throws IOException {
    Path file = tmp.resolve("run.yaml");
    Files.writeString(file, String.join("\n",
        "task: iris",
        "learner: classif.mlp",
        "engine: " + engine + "          # auto | pytorch | mxnet",
        "device: auto",
        "callbacks: [custom_logger, history]",
        "params:",
        "  epochs: 5",
        "  batch_size: 64",
        "  neurons: 20",
        "  cb.custom_logger.alpha: 0.05",
        ""));
    return file;
  }

  @Test
  void aCollectorChosenOutsideTheLauncherReplacesItsDefault() {
    // The launcher defaults to the serial collector; two collectors would stop the JVM from starting.
    List<String> engines = List.of(Dist.REPO.resolve("bin/torchwork").toString(), "engines");
    for (Map<String, String> env : List.<Map<String, String>>of(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC"), Map.of("JDK_JAVA_OPTIONS", "-XX:+UseParallelGC"),
        Map.of("TORCHWORK_JAVA_OPTS", "-Xmx512m\t-XX:+UseG1GC"), Map.of())) {
      Dist.Result r = Dist.run(engines, env);
      assertEquals(0, r.exit(), env + "\n" + r);
      assertTrue(r.out().contains("pytorch"), r.toString());
    }
  }

  @Test
  void eachOfTheFourSourcesSwapsTheEngineAndIsNamed() throws IOException {
    List<String> flag = new ArrayList<>(List.of(TRAIN));
    flag.addAll(List.of("--engine", "mxnet"));
    assertTrue(firstLine(Dist.torchwork(null, flag.toArray(String[]::new)))
        .contains("engine mxnet (MXNet 1.9.0, from learner parameter engine)"));

    List<String> property = new ArrayList<>(List.of(Dist.REPO.resolve("bin/torchwork").toString()));
    property.addAll(List.of(TRAIN));
    assertTrue(firstLine(Dist.run(property, Map.of("TORCHWORK_JAVA_OPTS", "-Dtorchwork.engine=mxnet")))
        .contains("engine mxnet (MXNet 1.9.0, from system property torchwork.engine)"));

    List<String> env = new ArrayList<>(List.of(Dist.REPO.resolve("bin/torchwork").toString()));
    env.addAll(List.of(TRAIN));
    assertTrue(firstLine(Dist.run(env, Map.of("TORCHWORK_ENGINE", "mxnet")))
        .contains("engine mxnet (MXNet 1.9.0, from environment TORCHWORK_ENGINE)"));

    assertTrue(firstLine(Dist.torchwork(null, "train", "--config", config("mxnet").toString()))
        .contains("engine mxnet (MXNet 1.9.0, from config file)"));

    assertTrue(firstLine(Dist.torchwork(null, TRAIN))
        .contains("engine pytorch (PyTorch 2.7.1, from default auto: first available)"));
  }

  @Test
  void theConfigFileTrainsTheVignetteAndTheEnvironmentOverridesIt() throws IOException {
    Path file = config("mxnet");
    Dist.Result mx = Dist.torchwork(null, "train", "--config", file.toString());
    assertEquals(0, mx.exit(), mx.toString());
    assertTrue(mx.outLines().get(0).contains("engine mxnet (MXNet 1.9.0, from config file), device cpu"), mx.toString());
    assertEquals(5, mx.outLines().stream().filter(l -> l.matches("Epoch \\d: \\d+\\.\\d\\d")).count(), mx.toString());

    List<String> command = List.of(Dist.REPO.resolve("bin/torchwork").toString(), "train", "--config", file.toString());
    Dist.Result pt = Dist.run(command, Map.of("TORCHWORK_ENGINE", "pytorch"));
    assertEquals(0, pt.exit(), pt.toString());
    assertTrue(pt.outLines().get(0).contains("engine pytorch (PyTorch 2.7.1, from environment TORCHWORK_ENGINE)"), pt.toString());
    assertEquals(5, pt.outLines().stream().filter(l -> l.matches("Epoch \\d: \\d+\\.\\d\\d")).count(), pt.toString());

    Dist.Result flags = Dist.torchwork(null, "train", "--config", file.toString(), "--set", "epochs=2", "--callbacks", "history,custom_logger");
    assertEquals(0, flags.exit(), flags.toString());
    assertTrue(flags.outLines().contains("history: 2 row(s)"), "flags override the file: " + flags);
  }

  @Test
  void aBadConfigFileNamesTheFileTheLineAndTheKey() throws IOException {
    Path file = tmp.resolve("bad.yaml");
    Files.writeString(file, "task: iris\nlearner: classif.mlp\nparams:\n  epochs: five\n  batch_size: 64\n");
    Dist.Result r = Dist.torchwork(null, "train", "--config", file.toString());
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: Config file " + file + " line 4, key 'params.epochs': Parameter 'epochs': 'five' is not an integer."
        + " It must be an integer >= 0, e.g. epochs=1.\n", r.err());

    Files.writeString(file, "task: iris\nlernr: classif.mlp\n");
    assertEquals("error: Config file " + file + " line 2: unknown key 'lernr'. Did you mean 'learner'? Known keys: task,"
        + " target, id, weights, drop, features, types, sep, decimal, na, labels, resize, crop, channels, mean, std, stream, cache,"
        + " valid, learner, engine, device, callbacks, plugins, save, overwrite, params, search.\n", Dist.torchwork(null, "train", "--config", file.toString()).err());

    Files.writeString(file, "task: iris\nlearner: [classif.mlp\n");
    assertTrue(Dist.torchwork(null, "train", "--config", file.toString()).err()
        .startsWith("error: Config file " + file + " line 3, column 1: malformed YAML:"));
  }

  @Test
  void enginesListsEachBackendItsVersionNativesAndDevices() {
    Dist.Result r = Dist.torchwork(null, "engines");
    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.outLines();
    assertTrue(lines.get(0).startsWith("DJL 0.36.0;"), r.toString());
    assertTrue(lines.get(1).matches("id\\s+engine\\s+version\\s+natives\\s+devices\\s+source"), r.toString());
    assertTrue(lines.get(2).matches("pytorch\\s+PyTorch\\s+2\\.7\\.1\\s+loaded\\s+cpu.*module org\\.torchwork\\.engine\\.pytorch.*"), r.toString());
    assertTrue(lines.get(3).matches("mxnet\\s+MXNet\\s+1\\.9\\.0\\s+loaded\\s+cpu.*module org\\.torchwork\\.engine\\.mxnet.*"), r.toString());
  }

  @Test
  void aMissingBackendModuleSaysWhichModuleToAdd() throws IOException {
    String modulePath;
    try (Stream<Path> s = Files.list(Dist.LIB)) {
      modulePath = s.filter(p -> !p.getFileName().toString().startsWith("torchwork-engine-mxnet"))
          .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }
    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Dai.djl.offline=true",
        "--module-path", modulePath, "--class-path", Dist.nativesClassPath(), "-m", "org.torchwork.cli/org.torchwork.cli.Main"));
    command.addAll(List.of(TRAIN));
    command.addAll(List.of("--engine", "mxnet"));
    Dist.Result r = Dist.run(command, Map.of());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: Backend 'mxnet' (from learner parameter engine) is not installed: its module is not"
        + " on the module path. Add the module org.torchwork.engine.mxnet (torchwork-engine-mxnet.jar"), r.err());
    assertTrue(r.err().contains("or choose an installed backend: pytorch."), r.err());
  }

  @Test
  void nativesThatFailToLoadNameTheJarExpected() {
    List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Dai.djl.offline=true",
        "--module-path", Dist.LIB.toString(), "-m", "org.torchwork.cli/org.torchwork.cli.Main"));
    command.addAll(List.of(TRAIN));
    command.addAll(List.of("--engine", "pytorch"));
    Dist.Result r = Dist.run(command, Map.of());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.err().startsWith("error: The pytorch backend's native libraries could not be loaded: "), r.err());
    assertTrue(r.err().contains("It expects ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) and"
        + " ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0 on the class path"), r.err());
  }

  @Test
  void aGpuWhereNoneIsVisibleSaysSoAndNamesTheAlternatives() {
    List<String> args = new ArrayList<>(List.of(TRAIN));
    args.addAll(List.of("--device", "gpu"));
    Dist.Result r = Dist.torchwork(null, args.toArray(String[]::new));
    if (r.exit() == 0) {
      assertTrue(r.outLines().get(0).contains("device gpu:0"), "a GPU is visible here, and was used: " + r);
      return;
    }
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: device=gpu (from learner parameter device), but the pytorch engine sees no GPU. Use device=auto"
        + " (GPU when available, else CPU) or device=cpu; for a GPU, install the engine's GPU natives (see the README).\n", r.err());
  }
}
