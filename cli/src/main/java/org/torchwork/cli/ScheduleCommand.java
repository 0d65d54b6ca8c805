package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Stage;
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
    Platform platform = common.platform(spec.commandLine().getErr());
    List<TorchCallback> callbacks = new ArrayList<>();
    for (String id : ids) {
      callbacks.add(platform.callback(id.trim()));
    }
    Schedule schedule = Schedule.of(callbacks);
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("schedule");
      Map<String, Object> stages = new LinkedHashMap<>();
      for (Stage stage : Stage.values()) {
        List<Object> entries = new ArrayList<>();
        schedule.stage(stage).forEach(e -> entries.add(Map.of("id", e.id(), "weight", e.weight())));
        stages.put(stage.id(), entries);
      }
      doc.put("stages", stages);
      JsonOut.print(out, doc);
      return 0;
    }
    out.print(schedule);
    return 0;
  }
}
