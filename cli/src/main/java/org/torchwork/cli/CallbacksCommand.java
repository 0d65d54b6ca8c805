package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Param;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork callbacks [ID]}: lists callbacks, or describes one. */
@Command(
    name = "callbacks",
    mixinStandardHelpOptions = true,
    description = "Lists every callback found (id, label, parameters, where it came from), or describes one.")
final class CallbacksCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Parameters(arity = "0..1", paramLabel = "ID", description = "A callback id to describe.")
  String id;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("callbacks");
      List<Object> list = new ArrayList<>();
      for (Registry.Entry<TorchCallback> e : id == null ? platform.callbacks().entries() : List.of(platform.callbacks().entry(id))) {
        list.add(JsonOut.callback(e.value(), e.source()));
      }
      doc.put("callbacks", list);
      JsonOut.print(out, doc);
      return 0;
    }
    if (id != null) {
      Registry.Entry<TorchCallback> entry = platform.callbacks().entry(id);
      TorchCallback cb = entry.value();
      out.println(cb);
      out.println("* Stages: " + String.join(", ", cb.stages().stream().map(Stage::id).toList()));
      out.println("* Weight: " + Param.format(cb.weight()));
      out.println("* Source: " + entry.source());
      if (!cb.description().isEmpty()) {
        out.println("* Description: " + cb.description());
      }
      if (!cb.paramSet().isEmpty()) {
        out.println("* Parameter details (set as cb." + cb.id() + ".<param>=<value>):");
        for (Param p : cb.paramSet().params()) {
          out.println("    " + p.summary());
        }
      }
      return 0;
    }
    Output.Table table = new Output.Table("id", "label", "parameters (* required)", "source");
    for (Registry.Entry<TorchCallback> e : platform.callbacks().entries()) {
      TorchCallback cb = e.value();
      String params = cb.paramSet().isEmpty() ? "-" : cb.paramSet().params().stream()
          .map(p -> p.id() + (p.required() ? "*" : "")).collect(java.util.stream.Collectors.joining(", "));
      table.row(cb.id(), cb.label(), params, e.source());
    }
    table.print(out);
    out.println();
    out.println("bin/torchwork callbacks ID describes one: every parameter's type, range, default and meaning.");
    return 0;
  }
}
