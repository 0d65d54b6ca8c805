package org.torchwork.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.ImageFolder;
import org.torchwork.runtime.Platform;
import org.torchwork.testkit.Certificate;
import org.torchwork.testkit.TestKit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork certify ID}: does the callback resume exactly? */
@Command(
    name = "certify",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a short run with the callback straight through, then split at every epoch and interrupted in the middle of"
          + " every epoch (each part resumed from its checkpoint), and reports whether the weights, the history, the"
          + " callback's state and its tensors agree bit for bit, naming the first difference. Exits with 1 when they do not.",
      "Path parameters of the callback get a temporary folder of each run's own."
    })
final class CertifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Parameters(index = "0", paramLabel = "ID", description = "The callback's id.")
  String id;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs of each run, 2 or more (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--task", defaultValue = "iris", description = "The task to train on: a built-in id, an IDX images file (labels"
      + " beside it) or a folder of images, one subfolder per class (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--learner", defaultValue = "classif.mlp", description = "The learner (default: ${DEFAULT-VALUE}).")
  String learner;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "A learner parameter (epochs excepted) or the callback's (cb.<id>.<param>=VALUE); repeatable.")
  List<String> settings = new ArrayList<>();

  /** The task: built in, or images. */
  private Task task(Platform platform) {
    Path path = Path.of(task);
    if (Files.isDirectory(path)) {
      return ImageFolder.of(path).read().task();
    }
    if (Files.isRegularFile(path) && IdxFiles.isIdx(path)) {
      return IdxFiles.read(path, null);
    }
    if (Files.exists(path) || TableOptions.isFile(task)) {
      throw new TorchworkException("certify --task " + task + ": certify trains on a built-in task, an IDX images file or a folder of"
          + " images. Give one of those (e.g. --task iris).");
    }
    return platform.task(task);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    TorchCallback callback = platform.callback(id);
    if (epochs < 2) {
      throw new TorchworkException("--epochs " + epochs + ": a run split at every epoch needs 2 epochs or more.");
    }
    TestKit kit = TestKit.callback(callback).platform(platform).withLearner(learner).task(task(platform)).param("epochs", epochs);
    String prefix = "cb." + id + ".";
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq <= 0) {
        throw new TorchworkException("--set '" + s + "' is not KEY=VALUE. Write e.g. --set " + prefix + "<param>=VALUE or --set"
            + " opt.lr=0.01.");
      }
      String key = s.substring(0, eq).trim();
      String value = s.substring(eq + 1).trim();
      if (key.equals("epochs")) {
        throw new TorchworkException("--set epochs=" + value + ": certify sets the epochs of its runs itself. Give --epochs "
            + value + " instead.");
      }
      if (key.startsWith(prefix)) {
        kit.set(key.substring(prefix.length()), value);
      } else if (key.startsWith("cb.")) {
        throw new TorchworkException("--set " + key + " is for another callback; certify runs '" + id + "' alone (with history)."
            + " Set its parameters as " + prefix + "<param>=VALUE.");
      } else {
        kit.param(key, value);
      }
    }
    Certificate certificate;
    try {
      certificate = kit.certify(epochs);
    } catch (TestKit.RunFailed e) {
      throw new Main.RunFailed(e);
    }
    if (common.json) {
      Map<String, Object> doc = JsonOut.document("certify");
      doc.put("callback", id);
      doc.put("epochs", epochs);
      doc.put("passed", certificate.passed());
      doc.put("difference", certificate.difference().orElse(null));
      JsonOut.print(out, doc);
    } else {
      out.println(certificate);
    }
    return certificate.passed() ? 0 : Main.RUN_ERROR;
  }
}
