package org.torchwork.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Param;
import org.torchwork.data.Preprocessing;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork model DIR}: describes a saved model, its data preparation included. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = {
      "Describes a saved model: its learner and parameters, its target and classes, each feature it needs and how it is"
          + " prepared (type, levels, what fills a missing value), how it was trained, its callbacks.",
      "Example: torchwork model models/clinic"
    })
final class ModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Parameters(paramLabel = "DIR", description = "A model folder written by train --save.")
  Path dir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    try (TrainedModel m = TrainedModel.load(dir, platform, null, null)) {
      Preprocessing prep = m.preprocessing();
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("model");
        doc.put("model", dir.toString());
        doc.put("learner", m.learner());
        doc.put("task_type", m.taskType().id());
        doc.put("target", m.target());
        doc.put("classes", m.classes());
        doc.put("id", m.idColumn().orElse(null));
        doc.put("features", m.features());
        doc.put("inputs", prep.encodedNames());
        doc.put("preprocessing", prep);
        doc.put("standardized", m.standardized());
        doc.put("trained_on", m.trainedOn());
        doc.put("seed", m.seed());
        doc.put("epochs", m.epochs());
        doc.put("end", m.end().map(JsonOut::end).orElse(null));
        doc.put("params", m.params());
        doc.put("callbacks", new ArrayList<>(m.callbacks().keySet()));
        doc.put("torchwork", m.torchworkVersion());
        JsonOut.print(out, doc);
        return 0;
      }
      out.println("Model " + dir + ": " + m.learner() + ", trained on " + m.trainedOn() + " with seed " + m.seed() + ", " + m.epochs()
          + " epoch(s)" + m.end().map(e -> " (" + e.describe() + ")").orElse("") + "; Torchwork " + m.torchworkVersion() + ".");
      out.println("Target: " + m.target() + (m.classes().isEmpty() ? " (regression)" : ", classes " + String.join(", ", m.classes())));
      m.idColumn().ifPresent(id -> out.println("Id column: " + id + " (written first in predictions)"));
      out.println("Features (" + m.features().size() + "), as the network gets them (" + prep.width() + " inputs"
          + (m.standardized() ? ", numeric ones standardized" : "") + "):");
      prep.describe().forEach(line -> out.println("  " + line));
      Map<String, Object> params = new LinkedHashMap<>(m.params());
      List<String> shown = new ArrayList<>();
      params.forEach((k, v) -> shown.add(k + "=" + Param.format(v)));
      out.println("Parameters: " + String.join(", ", shown));
      out.println("Callbacks: " + (m.callbacks().isEmpty() ? "(none with a state)" : String.join(", ", m.callbacks().keySet())));
    }
    return 0;
  }
}
