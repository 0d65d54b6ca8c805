package org.torchwork.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork export}: writes a saved model in a format that serves without Torchwork. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Exports a saved model for serving without Torchwork: a TorchScript file for torch.jit.load, libtorch, TorchServe"
          + " and DJL Serving.",
      "Example: torchwork export --model models/iris --out iris.pt"
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by train --save.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write, e.g. model.pt.")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "torchscript",
      description = "torchscript (default). mxnet, onnx and djl cannot be written; export says why.")
  String format;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    Platform platform = common.platform(spec.commandLine().getErr());
    try (TrainedModel m = TrainedModel.load(model, platform, null, null)) {
      TrainedModel.Export e = m.export(out, format);
      stdout.println("Exported model " + model + " (" + m.learner() + ", trained on " + m.trainedOn() + ") to " + e.file() + " as "
          + e.format() + ".");
      stdout.println("It takes float32 rows of " + m.features().size() + " features in this order: " + String.join(", ", m.features())
          + (m.standardized() ? " (raw values: it standardizes them itself)" : "") + ";");
      if (!m.preprocessing().impute().equals("none")) {
        stdout.println("a missing value (NaN) is filled with the training rows' " + m.preprocessing().impute() + ", as predict does;");
      }
      stdout.println("it returns " + (m.classes().isEmpty() ? "the predicted values." : "the probabilities of " + String.join(", ",
          m.classes()) + ", in this order."));
      stdout.println(e.verified()
          ? "Checked: PyTorch loaded it back and it predicted " + e.probeRows() + " probe rows as the model does (largest difference "
              + Output.compact(e.maxDifference()) + ")."
          : "Not checked: the PyTorch engine is not installed here, so the file was not loaded back.");
    }
    return 0;
  }
}
