package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Stage;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Schedule;
import org.torchwork.runtime.TorchLearner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code torchwork schedule ID...}: for each stage, the callbacks that run in it, in order; with
 * {@code --simulate}, what a run would do, without training.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "Prints, for each stage, the callbacks that run in it, in order, with their weights.",
      "With --simulate and --set epochs=N (and the run's other settings), shows instead, without training, the learning rate"
          + " of every epoch, which epochs validate, save a checkpoint or unfreeze parameters, and the first epoch after"
          + " which early stopping may stop the run."
    })
final class ScheduleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Parameters(arity = "1..*", paramLabel = "ID", split = ",", description = "Callback ids, in the order a learner gets them.")
  List<String> ids;

  @Option(names = "--simulate", description = "Work out what a run would do, without training.")
  boolean simulate;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A learner or callback (cb.<id>.<param>) setting; repeatable.")
  List<String> settings = new ArrayList<>();

  @Option(names = "--task", defaultValue = "iris", description = "A built-in task, for the batches per epoch (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--learner", defaultValue = "classif.mlp", description = "The learner (default: ${DEFAULT-VALUE}).")
  String learner;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    List<TorchCallback> callbacks = new ArrayList<>();
    for (String id : ids) {
      callbacks.add(platform.callback(id.trim()));
    }
    if (simulate) {
      return simulate(out, platform, callbacks);
    }
    if (!settings.isEmpty()) {
      throw new TorchworkException("--set applies to --simulate, which is not given. Add --simulate to work out the run with"
          + " these settings.");
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

  private int simulate(PrintWriter out, Platform platform, List<TorchCallback> callbacks) {
    Map<String, Map<String, Object>> values = new LinkedHashMap<>();
    try (TorchLearner l = platform.learner(learner)) {
      l.callbacks(callbacks);
      for (String s : settings) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
          throw new TorchworkException("--set '" + s + "' is not KEY=VALUE. Write e.g. --set epochs=20 or --set"
              + " cb.lr_step.step_size=5.");
        }
        String key = s.substring(0, eq).trim();
        String value = s.substring(eq + 1).trim();
        l.set(key, value);
        if (key.startsWith("cb.") && key.indexOf('.', 3) > 0) {
          String id = key.substring(3, key.indexOf('.', 3));
          values.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(key.substring(key.indexOf('.', 3) + 1), value);
        }
      }
      // Every setting is checked as train checks it, early stopping's needs included.
      l.prepare(platform.task(task));
      ParamValues p = l.params();
      Map<TorchCallback, ParamValues> resolved = new LinkedHashMap<>();
      for (TorchCallback cb : callbacks) {
        resolved.put(cb, cb.resolve(values.getOrDefault(cb.id(), Map.of())));
      }
      Simulation simulation = new Simulation(p, platform.task(task), resolved);
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("simulation");
        doc.putAll(simulation.json());
        JsonOut.print(out, doc);
      } else {
        simulation.print(out);
      }
      return 0;
    }
  }
}
