package org.torchwork.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.torchwork.api.Measure;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.NpyFiles;
import org.torchwork.data.ImageFolder;
import org.torchwork.data.CsvFormat;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.PredictionReport;
import org.torchwork.runtime.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code torchwork predict}: predicts a CSV file with a saved model. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predicts a CSV file with a saved model; scores it when the file has the target column.",
      "Example: torchwork predict --model models/iris --data new.csv --out predictions.csv"
    })
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Common common;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by train --save.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE",
      description = "The rows to predict: a CSV file with the model's feature columns (by name, in any order; others are"
          + " ignored), and the target column if it is to be scored; an IDX images file (its labels, beside it or"
          + " --labels, are scored); an NPY array (rows along its first dimension; --labels FILE.npy to score them); or a folder"
          + " of images (read as the training images were; in class subfolders, scored).")
  Path data;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "The labels of an IDX images file (default: the labels file beside it, if any) or of an NPY array.")
  Path labels;

  @Option(names = "--out", paramLabel = "FILE.csv|-",
      description = "Write the predictions here (- for standard output): row_id, truth (when the data has it), response"
          + " and prob.<class>. Without it, the first rows are shown.")
  String outFile;

  @Option(names = "--score", split = ",", paramLabel = "MEASURE",
      description = "Score with these measures when the data has the target (default: classif.acc,classif.logloss or"
          + " regr.rmse,regr.mae).")
  List<String> score;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1024", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--engine", paramLabel = "ENGINE", description = "auto, pytorch, ... (default: the engine the model was trained on).")
  String engine;

  @Mixin FormatOptions csv = new FormatOptions();

  @Option(names = "--device", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N.")
  String device;

  @Override
  public Integer call() throws Exception {
    boolean toStdout = "-".equals(outFile);
    if (toStdout && common.json) {
      throw new TorchworkException("--json and --out - would both write to standard output. Write the predictions to a file"
          + " (--out FILE.csv), or leave out --json.");
    }
    // With the predictions or the JSON document on standard output, everything else goes to standard error.
    PrintWriter info = toStdout || common.json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Platform platform = common.platform(err);
    try (TrainedModel m = TrainedModel.load(model, platform, engine, device)) {
      CsvFormat format = csv.format(m.csvFormat());
      List<Measure> measures = null;
      if (score != null) {
        measures = new ArrayList<>();
        for (String id : score) {
          measures.add(platform.measure(id.trim()));
        }
      }
      info.println("Predicting " + data + " with model " + model + " (" + m.learner() + ", " + m.features().size() + " features"
          + (m.classes().isEmpty() ? "" : ", classes " + String.join(", ", m.classes())) + "): " + m.backendChoice());
      info.flush();
      PredictionReport r;
      Task images = IdxFiles.isIdx(data) ? IdxFiles.read(data, labels)
          : NpyFiles.isNpy(data) ? NpyFiles.read(data, labels, m.classes().isEmpty() ? TaskType.REGR : TaskType.CLASSIF) : null;
      if (images == null && labels != null) {
        throw new TorchworkException("--labels is for IDX images files and NPY arrays; " + data + " is neither. Remove --labels.");
      }
      List<String> files = null;
      if (java.nio.file.Files.isDirectory(data)) {
        // Read as the training images were: their size, channels and normalization.
        ImageFolder folder = ImageFolder.of(data);
        m.readSettings().forEach(folder::set);
        ImageFolder.Loaded loaded = folder.read();
        images = loaded.task();
        files = loaded.files();
      }
      String idName = files != null ? "file" : NpyFiles.isNpy(data) ? "row" : "image";
      if (toStdout) {
        // Not System.out, which hides write errors: a closed pipe (| head) must stop the run.
        Writer stdout = new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8);
        try {
          r = images != null ? m.predictRows(images, idName, files, stdout, measures, batchSize)
              : m.predictCsv(data, stdout, measures, batchSize, format);
          stdout.flush();
        } catch (TorchworkException | java.io.IOException e) {
          if (brokenPipe(e)) {
            // The reader (| head) has what it wanted: stop quietly, with the status a shell gives SIGPIPE.
            return BROKEN_PIPE;
          }
          throw e;
        }
      } else if (images != null) {
        r = m.predictRows(images, idName, files, outFile == null ? null : Path.of(outFile), measures, batchSize);
      } else {
        r = m.predictCsv(data, outFile == null ? null : Path.of(outFile), measures, batchSize, format);
      }
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("predict");
        doc.put("model", model.toString());
        doc.put("learner", m.learner());
        doc.put("data", data.toString());
        doc.put("backend", m.backendChoice());
        doc.put("rows", r.rows());
        doc.put("out", outFile);
        doc.put("columns", r.columns());
        doc.put("head", outFile == null ? r.head() : List.of());
        doc.put("scored", r.scored());
        doc.put("scores", r.scores());
        doc.put("unseen_truth", r.unseen());
        doc.put("missing_truth", r.missingTruth());
        doc.put("unseen_levels", r.unseenLevels());
        doc.put("seconds", r.seconds());
        JsonOut.print(spec.commandLine().getOut(), doc);
        return 0;
      }
      report(r, info, err);
    }
    return 0;
  }

  /** The status after standard output's reader went away, as a shell reports SIGPIPE. */
  static final int BROKEN_PIPE = 141;

  private static boolean brokenPipe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.IOException && String.valueOf(t.getMessage()).contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }

  private void report(PredictionReport r, PrintWriter info, PrintWriter err) {
    if (outFile == null) {
      Output.Table table = new Output.Table(r.columns().toArray(String[]::new));
      table.rightAlign = true;
      for (List<String> row : r.head()) {
        List<String> cells = new ArrayList<>();
        for (String cell : row) {
          cells.add(Output.compact(cell));
        }
        table.row(cells.toArray(String[]::new));
      }
      table.print(info);
      if (r.rows() > r.head().size()) {
        info.println("... " + (r.rows() - r.head().size()) + " more row(s); write them all with --out FILE.csv.");
      }
    }
    info.println(String.format(Locale.ROOT, "Predicted %d row(s)%s in %.1f s.", r.rows(),
        outFile == null || "-".equals(outFile) ? "" : " into " + outFile, r.seconds()));
    if (!r.unseen().isEmpty()) {
      long n = r.unseen().values().stream().mapToLong(Long::longValue).sum();
      List<String> counts = new ArrayList<>();
      r.unseen().forEach((label, count) -> counts.add(label + ": " + count));
      err.println("warning: " + n + " row(s) have truth values the model never saw in training (" + String.join(", ", counts)
          + "); they are predicted but not scored.");
    }
    r.unseenLevels().forEach((feature, levels) -> {
      long n = levels.values().stream().mapToLong(Long::longValue).sum();
      List<String> counts = new ArrayList<>();
      levels.forEach((label, count) -> counts.add(label + ": " + count));
      err.println("warning: " + n + " row(s) have levels of feature '" + feature + "' the model never saw in training ("
          + String.join(", ", counts) + "); they are predicted with the level taken as missing.");
    });
    if (r.missingTruth() > 0) {
      err.println("warning: " + r.missingTruth() + " row(s) have no truth value (empty or NA); they are predicted but not scored.");
    }
    if (!r.scores().isEmpty()) {
      info.println("Scores on the " + r.scored() + " row(s) with a known truth:");
      for (Map.Entry<String, Double> e : r.scores().entrySet()) {
        info.println("  " + e.getKey() + " = " + Output.compact(e.getValue()));
      }
    } else if (r.hasTruth() && r.scored() == 0) {
      err.println("warning: no row has a truth value the model knows, so nothing was scored.");
    }
  }
}
