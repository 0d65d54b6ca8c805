package org.torchwork.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
    Platform platform = common.platform();
    Output.warnAboutPlugins(platform, spec.commandLine().getErr());
    List<Registry.Entry<BackendProvider>> entries = new ArrayList<>(platform.backends().entries());
    entries.sort(Comparator.comparingInt((Registry.Entry<BackendProvider> e) -> e.value().priority()).thenComparing(Registry.Entry::id));
    out.println("DJL " + Engine.getDjlVersion() + "; engine=auto picks the first backend below whose natives load.");
    Output.Table table = new Output.Table("id", "engine", "version", "natives", "devices", "source");
    int failures = 0;
    for (Registry.Entry<BackendProvider> e : entries) {
      BackendProvider b = e.value();
      try {
        Engine engine = b.engine();
        String devices = Arrays.stream(engine.getDevices()).map(EnginesCommand::name).collect(Collectors.joining(", "));
        table.row(b.id(), engine.getEngineName(), engine.getVersion(), "loaded", devices, e.source());
      } catch (RuntimeException ex) {
        failures++;
        table.row(b.id(), b.engineName(), "-", "FAILED", "-", e.source());
        spec.commandLine().getErr().println("error: " + ex.getMessage());
      }
    }
    table.print(out);
    return failures == 0 ? 0 : Main.RUN_ERROR;
  }

  private static String name(Device d) {
    return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
  }
}
