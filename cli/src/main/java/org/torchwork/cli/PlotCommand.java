package org.torchwork.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.TorchworkException;
import org.torchwork.callbacks.history.Curves;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork plot}: the learning curves of a saved model's history. */
@Command(
    name = "plot",
    mixinStandardHelpOptions = true,
    description = {
      "Draws the learning curves kept in a saved model (trained with the history callback): the train loss and every"
          + " measure by epoch, and the learning rate on its own axis. PNG or SVG, by the file's extension.",
      "Example: torchwork plot --model models/iris --out iris-curves.png"
    })
final class PlotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by train --save.")
  Path model;

  @Option(names = "--out", paramLabel = "FILE", description = "The picture to write, .png or .svg (default: <model>-curves.png).")
  Path out;

  @Override
  public Integer call() {
    Platform platform = common.platform(spec.commandLine().getErr());
    Path file = out != null ? out : Path.of(model.toAbsolutePath().normalize().getFileName() + "-curves.png");
    try (TrainedModel m = TrainedModel.load(model, platform, null, null)) {
      List<Map<String, Object>> rows = history(m.callbacks(), "Model " + model);
      Curves.write(rows, m.learner() + ": " + model.toAbsolutePath().normalize().getFileName(), file);
      spec.commandLine().getOut().println("Drew " + rows.size() + " epoch(s) of " + model + " into " + file + ".");
    }
    return 0;
  }

  /** The history table of a run's callback states. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> history(Map<String, Object> states, String what) {
    Object rows = states.get("history");
    if (!(rows instanceof List)) {
      throw new TorchworkException(what + " has no learning curves: it was trained without the history callback. Train with"
          + " --callbacks history to keep them.");
    }
    return (List<Map<String, Object>>) rows;
  }
}
