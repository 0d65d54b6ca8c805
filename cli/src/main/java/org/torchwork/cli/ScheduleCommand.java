package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork schedule ID...}: for each stage, the callbacks that run in it, in order. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Prints, for each stage, the callbacks that run in it, in order, with their weights.")
final class ScheduleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Parameters(arity = "1..*", paramLabel = "ID", split = ",", description = "Callback ids, in the order a learner gets them.")
  List<String> ids;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform();
    Output.warnAboutPlugins(platform, spec.commandLine().getErr());
    List<TorchCallback> callbacks = new ArrayList<>();
    for (String id : ids) {
      callbacks.add(platform.callback(id.trim()));
    }
    out.print(Schedule.of(callbacks));
    return 0;
  }
}
