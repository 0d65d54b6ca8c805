package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.ApiVersion;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Plugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork plugins}: every plugin with its status, ids, version and SHA-256. */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description = {
      "Lists every plugin with its status, ids, version, api version and SHA-256.",
      "Then says what is wrong with each plugin that is not loaded; exits with 1 when any has a problem."
    })
final class PluginsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform();
    if (platform.pluginsDir().isEmpty()) {
      out.println("No plugins directory: give --plugins DIR or set TORCHWORK_PLUGINS.");
      return 0;
    }
    List<Plugin> plugins = platform.loadAllPlugins();
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("plugins");
      doc.put("directory", platform.pluginsDir().get().toString());
      doc.put("api", ApiVersion.current().text());
      List<Object> list = new ArrayList<>();
      for (Plugin p : plugins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", p.path().toString());
        m.put("status", p.status().name());
        m.put("version", p.version());
        m.put("api", p.apiVersion());
        m.put("provides", p.ids());
        m.put("modules", p.modules());
        m.put("sha256", p.sha256());
        m.put("problem", p.problem().orElse(null));
        m.put("warnings", p.warnings());
        list.add(m);
      }
      doc.put("plugins", list);
      JsonOut.print(out, doc);
      return plugins.stream().anyMatch(p -> p.problem().isPresent()) ? Main.RUN_ERROR : 0;
    }
    out.println("Plugins directory " + platform.pluginsDir().get() + ": " + plugins.size() + " plugin(s); Torchwork API "
        + ApiVersion.current() + ".");
    Output.Table table = new Output.Table("status", "plugin", "version", "api", "provides", "sha256");
    for (Plugin p : plugins) {
      table.row(p.status().name(), p.path().getFileName().toString(), p.version(), p.apiVersion(),
          p.ids().isEmpty() ? "-" : String.join(",", p.ids()), p.sha256());
    }
    table.print(out);
    boolean problems = false;
    for (Plugin p : plugins) {
      if (p.problem().isPresent()) {
        if (!problems) {
          out.println();
        }
        problems = true;
        out.println(p.path().getFileName() + ": " + p.problem().get());
      }
    }
    for (Plugin p : plugins) {
      // A warning is worth knowing, not a failure: the plugin is in use.
      p.warnings().forEach(w -> out.println(p.path().getFileName() + ": warning: " + w + "."));
    }
    return problems ? Main.RUN_ERROR : 0;
  }
}
