package org.torchwork.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.torchwork.api.spi.BackendProvider;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork engines}: every backend found, whether its natives load, and its devices. */
@Command(
    name = "engines",
    mixinStandardHelpOptions = true,
    description = "Lists every backend found: its DJL engine and version, whether its natives load, the devices it sees.")
final class EnginesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    List<Registry.Entry<BackendProvider>> entries = new ArrayList<>(platform.backends().entries());
    entries.sort(Comparator.comparingInt((Registry.Entry<BackendProvider> e) -> e.value().priority()).thenComparing(Registry.Entry::id));
    Output.Table table = new Output.Table("id", "engine", "version", "natives", "devices", "source");
    List<Object> json = new ArrayList<>();
    int failures = 0;
    for (Registry.Entry<BackendProvider> e : entries) {
      BackendProvider b = e.value();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", b.id());
      m.put("engine", b.engineName());
      try {
        Engine engine = b.engine();
        List<String> devices = Arrays.stream(engine.getDevices()).map(EnginesCommand::name).collect(Collectors.toList());
        table.row(b.id(), engine.getEngineName(), engine.getVersion(), "loaded", String.join(", ", devices), e.source());
        m.put("version", engine.getVersion());
        m.put("natives", "loaded");
        m.put("devices", devices);
        m.put("problem", null);
      } catch (RuntimeException ex) {
        failures++;
        table.row(b.id(), b.engineName(), "-", "FAILED", "-", e.source());
        spec.commandLine().getErr().println("error: " + ex.getMessage());
        m.put("version", null);
        m.put("natives", "FAILED");
        m.put("devices", List.of());
        m.put("problem", ex.getMessage());
      }
      m.put("source", e.source());
      json.add(m);
    }
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("engines");
      doc.put("djl", Engine.getDjlVersion());
      doc.put("backends", json);
      JsonOut.print(out, doc);
    } else {
      out.println("DJL " + Engine.getDjlVersion() + "; engine=auto picks the first backend below whose natives load.");
      table.print(out);
    }
    return failures == 0 ? 0 : Main.RUN_ERROR;
  }

  private static String name(Device d) {
    return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
  }
}
