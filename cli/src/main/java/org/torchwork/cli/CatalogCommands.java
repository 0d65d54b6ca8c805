package org.torchwork.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.torchwork.api.Measure;
import org.torchwork.api.Param;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.TaskProvider.TaskSource;
import org.torchwork.api.Task;
import org.torchwork.data.CsvTable;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.NpyFiles;
import org.torchwork.data.ImageFolder;
import org.torchwork.data.TableReport;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.Registry;
import org.torchwork.runtime.TorchLearner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code learners}, {@code tasks}, {@code measures} and {@code losses}: what exists, and each one's parameters. */
final class CatalogCommands {
  private CatalogCommands() {}

  /** {@code torchwork learners [ID]}. */
  @Command(name = "learners", mixinStandardHelpOptions = true,
      description = "Lists every learner (id, label, task type, its own parameters, where it came from), or describes one"
          + " with every parameter it takes: type, range, default and description.")
  static final class Learners implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;
    @Parameters(arity = "0..1", paramLabel = "ID", description = "A learner id to describe, e.g. classif.mlp.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Platform platform = common.platform(spec.commandLine().getErr());
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("learners");
        List<Object> list = new ArrayList<>();
        for (Registry.Entry<LearnerSpec> e : id == null ? platform.learners().entries() : List.of(platform.learners().entry(id))) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", e.value().id());
          m.put("label", e.value().label());
          m.put("task", e.value().taskType().id());
          List<Object> params = new ArrayList<>();
          try (TorchLearner learner = platform.learner(e.value().id())) {
            learner.paramSet().params().forEach(p -> params.add(JsonOut.param(p)));
          }
          m.put("params", params);
          m.put("source", e.source());
          list.add(m);
        }
        doc.put("learners", list);
        JsonOut.print(out, doc);
        return 0;
      }
      if (id != null) {
        Registry.Entry<LearnerSpec> entry = platform.learners().entry(id);
        out.println(entry.value().id() + ": " + entry.value().label() + " (" + entry.value().taskType() + ")");
        out.println("* Source: " + entry.source());
        out.println("* Parameters (set as --set <param>=<value>; callbacks' as cb.<id>.<param>):");
        try (TorchLearner learner = platform.learner(id)) {
          for (Param p : learner.paramSet().params()) {
            out.println("    " + p.summary());
          }
        }
        return 0;
      }
      Output.Table table = new Output.Table("id", "label", "task", "own parameters", "source");
      for (Registry.Entry<LearnerSpec> e : platform.learners().entries()) {
        LearnerSpec l = e.value();
        table.row(l.id(), l.label(), l.taskType().id(), l.params().isEmpty() ? "-" : String.join(", ", l.params().ids()),
            e.source());
      }
      table.print(out);
      out.println();
      out.println("Every learner also takes epochs, batch_size, optimizer, opt.lr, loss, ... ('torchwork learners ID' lists them all).");
      return 0;
    }
  }

  /** {@code torchwork tasks [ID|FILE.csv]}. */
  @Command(name = "tasks", mixinStandardHelpOptions = true,
      description = {"Lists every built-in task, or describes one; or describes a CSV file before training: each column's role,"
          + " type, missing values and levels or range, and what would be left out and why.",
          "Example: torchwork tasks data/mixed.csv --target income --id id"})
  static final class Tasks implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;
    @Parameters(arity = "0..1", paramLabel = "ID|FILE.csv", description = "A task id to describe, e.g. iris, or a CSV file.")
    String id;

    @Option(names = "--target", paramLabel = "COLUMN", description = "CSV files: the target column.")
    String target;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX images files: their labels (default: the file beside);"
        + " NPY arrays: their labels.")
    Path labels;

    @Mixin TableOptions table = new TableOptions();

    @Mixin ImageOptions images = new ImageOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (id != null && java.nio.file.Files.isDirectory(Path.of(id))) {
        ImageFolder folder = ImageFolder.of(Path.of(id));
        images.settings(null).forEach(folder::set);
        return describeImages(out, Path.of(id), folder.read().task(), "Image folder");
      }
      if (id != null && TableOptions.isFile(id) && IdxFiles.isIdx(Path.of(id))) {
        return describeImages(out, Path.of(id), IdxFiles.read(Path.of(id), labels), "Images file");
      }
      if (id != null && TableOptions.isFile(id) && NpyFiles.isNpy(Path.of(id))) {
        return describeImages(out, Path.of(id), NpyFiles.read(Path.of(id), labels, TaskType.CLASSIF), "Array file");
      }
      if (id != null && TableOptions.isFile(id)) {
        return describe(out, Path.of(id));
      }
      Platform platform = common.platform(spec.commandLine().getErr());
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("tasks");
        List<Object> list = new ArrayList<>();
        platform.tasks().entries().forEach(e -> list.add(Map.of("id", e.value().id(), "label", e.value().label(), "source",
            e.source())));
        doc.put("tasks", list);
        JsonOut.print(out, doc);
        return 0;
      }
      if (id != null) {
        out.println(platform.task(id));
        return 0;
      }
      Output.Table t = new Output.Table("id", "label", "source");
      for (Registry.Entry<TaskSource> e : platform.tasks().entries()) {
        t.row(e.value().id(), e.value().label(), e.source());
      }
      t.print(out);
      out.println();
      out.println("A CSV file is a task too: --task data.csv --target COLUMN. 'torchwork tasks data.csv' describes one.");
      return 0;
    }

    private int describe(PrintWriter out, Path file) {
      CsvTable csv = CsvTable.of(file);
      table.settings(null).forEach(csv::set);
      if (target != null) {
        csv.target(target);
      }
      TableReport r = csv.describe();
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("tasks");
        doc.put("file", file.toString());
        doc.put("separator", String.valueOf(r.separator()));
        doc.put("decimal", String.valueOf(r.decimal()));
        doc.put("na", r.na());
        doc.put("rows", r.rows());
        doc.put("dropped", r.dropped());
        List<Object> columns = new ArrayList<>();
        for (TableReport.Column c : r.columns()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", c.name());
          m.put("role", c.role().toString());
          m.put("type", c.type());
          m.put("missing", c.missing());
          m.put("distinct", c.distinct() < 0 ? null : c.distinct());
          m.put("levels", c.levels());
          m.put("min", Double.isNaN(c.min()) ? null : c.min());
          m.put("max", Double.isNaN(c.max()) ? null : c.max());
          m.put("note", c.note().isEmpty() ? null : c.note());
          columns.add(m);
        }
        doc.put("columns", columns);
        doc.put("notes", r.notes());
        JsonOut.print(out, doc);
        return 0;
      }
      List<String> na = new ArrayList<>();
      r.na().forEach(t -> na.add(t.isEmpty() ? "empty" : t));
      out.println("Task file " + file + ": " + r.rows() + " row(s), " + r.columns().size() + " column(s); separator '"
          + (r.separator() == '\t' ? "\\t" : String.valueOf(r.separator())) + "', decimal mark '" + r.decimal() + "', missing: "
          + String.join(", ", na));
      r.columns().stream().filter(c -> c.role() == TableReport.Role.TARGET).findFirst().ifPresentOrElse(
          c -> out.println("Target " + c.name() + " (" + c.type() + (c.distinct() > 0 ? ", " + c.distinct() + " values" : "") + ")"
              + (c.type().equals("categorical") || c.type().equals("logical") ? ": a classification task (classif.* learners)"
              : c.type().equals("integer") ? ": a regression task (regr.* learners), or classification if the numbers are class"
                  + " codes (then give them as labels)" : ": a regression task (regr.* learners)")),
          () -> out.println("No target named: give --target COLUMN to see the task it makes."));
      out.println();
      Output.Table t = new Output.Table("column", "role", "type", "missing", "values");
      for (TableReport.Column c : r.columns()) {
        t.row(c.name(), c.role().toString(), c.type(), Long.toString(c.missing()), values(c));
      }
      t.print(out);
      List<String> notes = r.notes();
      if (!notes.isEmpty()) {
        out.println();
        notes.forEach(n -> out.println("note: " + n));
      }
      return 0;
    }

    private int describeImages(PrintWriter out, Path file, Task t, String what) {
      Map<String, Long> counts = new LinkedHashMap<>();
      t.classes().forEach(c -> counts.put(c, 0L));
      for (int i = 0; t.hasTarget() && i < t.nrow(); i++) {
        counts.merge(t.classes().get((int) t.target(i)), 1L, Long::sum);
      }
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("tasks");
        doc.put("file", file.toString());
        doc.put("format", what.equals("Image folder") ? "images" : what.equals("Array file") ? "npy" : "idx");
        doc.put("rows", t.nrow());
        doc.put("row_shape", t.rowShape());
        doc.put("classes", counts);
        JsonOut.print(out, doc);
        return 0;
      }
      boolean array = what.equals("Array file");
      out.println(what + " " + file + ": " + Output.rows(t) + (array ? " (values as they are)" : " (pixels scaled to 0..1)"));
      out.println(t.hasTarget() ? "Classes: " + counts.size() + ", " + (array ? "rows" : "images") + " per class: " + counts
          : "No classes (" + (what.equals("Image folder") ? "no subfolders" : array ? "no labels; give --labels FILE.npy"
              : "no labels file beside it; give --labels FILE") + "): its " + (array ? "rows" : "images")
              + " can be predicted, not trained on.");
      return 0;
    }

    /** A column's levels (the first few and how many) or its range. */
    private static String values(TableReport.Column c) {
      if ((c.role() == TableReport.Role.ID || c.type().equals("text")) && c.distinct() >= 0) {
        return c.distinct() + " distinct";
      }
      if (c.type().equals("logical")) {
        return "true/false";
      }
      if (!c.levels().isEmpty()) {
        List<String> shown = c.levels().subList(0, Math.min(5, c.levels().size()));
        return c.distinct() + " level(s): " + String.join(", ", shown) + (c.distinct() > shown.size() ? ", ..." : "");
      }
      if (c.distinct() < 0 && c.type().equals("text")) {
        return "more than " + CsvTable.MAX_LEVELS + " distinct";
      }
      if (!Double.isNaN(c.min())) {
        return Output.compact(c.min()) + " .. " + Output.compact(c.max());
      }
      return "-";
    }
  }

  /** {@code torchwork measures}. */
  @Command(name = "measures", mixinStandardHelpOptions = true,
      description = "Lists every measure: id, task type, whether lower is better, where it came from.")
  static final class Measures implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Platform platform = common.platform(spec.commandLine().getErr());
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("measures");
        List<Object> list = new ArrayList<>();
        platform.measures().entries().forEach(e -> list.add(Map.of("id", e.value().id(), "label", e.value().label(), "task",
            e.value().taskType().id(), "minimize", e.value().minimize(), "source", e.source())));
        doc.put("measures", list);
        JsonOut.print(out, doc);
        return 0;
      }
      Output.Table table = new Output.Table("id", "label", "task", "better", "source");
      for (Registry.Entry<Measure> e : platform.measures().entries()) {
        Measure m = e.value();
        table.row(m.id(), m.label(), m.taskType().id(), m.minimize() ? "lower" : "higher", e.source());
      }
      table.print(out);
      return 0;
    }
  }

  /** {@code torchwork losses [ID]}. */
  @Command(name = "losses", mixinStandardHelpOptions = true,
      description = "Lists every loss (id, label, task types, parameters, where it came from), or describes one. A learner"
          + " trains with --set loss=ID and takes the loss's parameters as --set loss.<param>=VALUE.")
  static final class Losses implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Common common;
    @Parameters(arity = "0..1", paramLabel = "ID", description = "A loss id to describe, e.g. huber.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Platform platform = common.platform(spec.commandLine().getErr());
      List<Registry.Entry<TorchLoss>> entries = id == null ? platform.losses().entries() : List.of(platform.losses().entry(id));
      if (common.json) {
        Map<String, Object> doc = JsonOut.document("losses");
        List<Object> list = new ArrayList<>();
        for (Registry.Entry<TorchLoss> e : entries) {
          TorchLoss loss = e.value();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", loss.id());
          m.put("label", loss.label());
          m.put("description", loss.description());
          m.put("tasks", loss.taskTypes().stream().map(TaskType::id).toList());
          List<Object> params = new ArrayList<>();
          loss.paramSet().params().forEach(p -> params.add(JsonOut.param(p.withId("loss." + p.id()))));
          m.put("params", params);
          m.put("source", e.source());
          list.add(m);
        }
        doc.put("losses", list);
        JsonOut.print(out, doc);
        return 0;
      }
      if (id != null) {
        Registry.Entry<TorchLoss> entry = entries.get(0);
        TorchLoss loss = entry.value();
        out.println(loss);
        out.println("* Source: " + entry.source());
        if (!loss.description().isEmpty()) {
          out.println("* Description: " + loss.description());
        }
        if (!loss.paramSet().isEmpty()) {
          out.println("* Parameter details (set as --set loss.<param>=<value>):");
          for (Param p : loss.paramSet().params()) {
            out.println("    " + p.withId("loss." + p.id()).summary());
          }
        }
        return 0;
      }
      Output.Table table = new Output.Table("id", "label", "task", "parameters", "source");
      for (Registry.Entry<TorchLoss> e : entries) {
        TorchLoss loss = e.value();
        String params = loss.paramSet().isEmpty() ? "-" : String.join(", ", loss.paramSet().params().stream()
            .map(p -> "loss." + p.id() + (p.defaultValue() != null ? "=" + Param.format(p.defaultValue()) : "")).toList());
        table.row(loss.id(), loss.label(), String.join(", ", loss.taskTypes().stream().map(TaskType::id).toList()), params,
            e.source());
      }
      table.print(out);
      out.println();
      out.println("A learner trains with --set loss=ID (cross_entropy for classif, mse for regr by default) and takes its"
          + " parameters as --set loss.<param>=VALUE; 'torchwork losses ID' describes one.");
      return 0;
    }
  }
}
