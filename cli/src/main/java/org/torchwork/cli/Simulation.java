package org.torchwork.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.callbacks.lr.LrSchedule;

/**
 * What a run would do, worked out without training: the learning rate of every epoch (and batch),
 * which epochs validate, save a checkpoint and unfreeze parameters, and the first epoch after
 * which early stopping could stop the run.
 */
final class Simulation {
  private static final Pattern UNFREEZE = Pattern.compile("(epoch|batch)=(\\d+):(.+)");

  /** One epoch of the simulated run. */
  record Epoch(int epoch, Double firstLr, Double lastLr, boolean validates, boolean checkpoint, List<String> unfreezes) {}

  final int epochs;
  final int batches;
  final int trainRows;
  final double baseLr;
  final List<Epoch> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  /** The first epoch after which early stopping could stop the run, or null when it is off or never can. */
  Integer earliestStop;

  /**
   * Works out a run.
   *
   * @param p the learner's parameters
   * @param task the task the run trains on, for the batches per epoch
   * @param callbacks the run's callbacks with their parameter values, in order
   */
  Simulation(ParamValues p, Task task, Map<TorchCallback, ParamValues> callbacks) {
    this.epochs = p.getInt("epochs");
    double validate = p.has("validate") ? p.getDouble("validate") : 0;
    this.trainRows = task.nrow() - (int) Math.round(task.nrow() * validate);
    this.batches = Math.max(1, (trainRows + p.getInt("batch_size") - 1) / p.getInt("batch_size"));
    this.baseLr = p.getDouble("opt.lr");
    int evalFreq = p.getInt("eval_freq");
    boolean validates = validate > 0;

    // The rate of every batch: the schedules', or opt.lr.
    double[] rates = new double[epochs * batches];
    java.util.Arrays.fill(rates, baseLr);
    TreeMap<Integer, List<String>> unfreezes = new TreeMap<>();
    java.util.Set<Integer> checkpoints = new java.util.TreeSet<>();
    for (Map.Entry<TorchCallback, ParamValues> e : callbacks.entrySet()) {
      TorchCallback cb = e.getKey();
      ParamValues v = e.getValue();
      CallbackSet instance = cb.generate(v);
      if (instance instanceof LrSchedule schedule) {
        List<Double> steps = schedule.simulate(baseLr, epochs, batches);
        if (steps.isEmpty()) {
          notes.add(cb.id() + " changes the learning rate as the run goes (it reacts to what training produces), so the rates"
              + " below do not show it.");
        }
        boolean perBatch = schedule.stepping().perBatch();
        for (int i = 0; i < steps.size(); i++) {
          if (perBatch) {
            rates[i] = steps.get(i);
          } else {
            java.util.Arrays.fill(rates, i * batches, (i + 1) * batches, steps.get(i));
          }
        }
      }
      if (cb.id().equals("checkpoint")) {
        int freq = v.getInt("freq");
        for (int epoch = freq; epoch <= epochs; epoch += freq) {
          checkpoints.add(epoch);
        }
        checkpoints.add(epochs);
        if (v.has("every_n_steps")) {
          notes.add("checkpoint also saves every " + v.getInt("every_n_steps") + " batches.");
        }
        if (v.has("every_minutes")) {
          notes.add("checkpoint also saves every " + v.getDouble("every_minutes") + " minutes.");
        }
      }
      if (cb.id().equals("unfreeze")) {
        for (Object entry : v.getList("unfreeze", String.class)) {
          Matcher m = UNFREEZE.matcher(entry.toString().trim());
          if (m.matches()) {
            int at = Integer.parseInt(m.group(2));
            int epoch = m.group(1).equals("epoch") ? at : (at - 1) / batches + 1;
            unfreezes.computeIfAbsent(epoch, k -> new ArrayList<>()).add(m.group(3) + (m.group(1).equals("batch")
                ? " (at batch " + at + ")" : ""));
          }
        }
      }
    }
    for (int epoch = 1; epoch <= epochs; epoch++) {
      boolean valid = validates && (epoch % evalFreq == 0 || epoch == epochs);
      rows.add(new Epoch(epoch, rates[(epoch - 1) * batches], rates[epoch * batches - 1], valid, checkpoints.contains(epoch),
          unfreezes.getOrDefault(epoch, List.of())));
    }
    earliestStop = earliestStop(p, validates, evalFreq);
  }

  /** The check after which early stopping stops at the earliest: the first check sets the best, patience more stop it. */
  private Integer earliestStop(ParamValues p, boolean validates, int evalFreq) {
    int patience = p.getInt("patience");
    if (patience == 0) {
      return null;
    }
    List<String> measures = p.getList("measures_valid", String.class);
    String monitor = p.has("monitor") ? p.getString("monitor") : measures.isEmpty() ? "valid." : "valid." + measures.get(0);
    boolean onValidation = monitor.startsWith("valid.");
    int start = p.getInt("start_from_epoch");
    List<Integer> checks = new ArrayList<>();
    for (int epoch = start + 1; epoch <= epochs; epoch++) {
      if (!onValidation || (validates && (epoch % evalFreq == 0 || epoch == epochs))) {
        checks.add(epoch);
      }
    }
    // With a baseline, even the first check can count against it.
    int index = p.has("baseline") ? patience - 1 : patience;
    Integer at = index < checks.size() ? checks.get(index) : null;
    notes.add("Early stopping (patience " + patience + ", monitoring " + monitor + (start > 0 ? ", from epoch " + (start + 1) : "") + ") checks after epochs " + checks + (at == null
        ? "; it cannot stop this run before its end." : "; it may stop the run after epoch " + at + " at the earliest."));
    return at;
  }

  /** The simulation as plain data, for {@code --json}. */
  Map<String, Object> json() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("epochs", epochs);
    doc.put("batches_per_epoch", batches);
    doc.put("train_rows", trainRows);
    doc.put("opt.lr", baseLr);
    List<Object> list = new ArrayList<>();
    for (Epoch e : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e.epoch());
      m.put("lr_first_batch", e.firstLr());
      m.put("lr_last_batch", e.lastLr());
      m.put("validates", e.validates());
      m.put("checkpoint", e.checkpoint());
      m.put("unfreezes", e.unfreezes());
      list.add(m);
    }
    doc.put("per_epoch", list);
    doc.put("earliest_stop", earliestStop);
    doc.put("notes", notes);
    return doc;
  }

  /** The simulation as a table and notes. */
  void print(java.io.PrintWriter out) {
    out.println("Simulated " + epochs + " epoch(s) of " + batches + " batch(es) (" + trainRows + " training rows); opt.lr="
        + Output.compact(baseLr) + ". Nothing was trained.");
    out.println();
    Output.Table table = new Output.Table("epoch", "lr (first batch)", "lr (last batch)", "validates", "checkpoint", "unfreezes",
        "may stop");
    for (Epoch e : rows) {
      table.row(Integer.toString(e.epoch()), lr(e.firstLr()), lr(e.lastLr()), e.validates() ? "yes" : "-",
          e.checkpoint() ? "yes" : "-", e.unfreezes().isEmpty() ? "-" : String.join(", ", e.unfreezes()),
          earliestStop != null && e.epoch() >= earliestStop ? "yes" : "-");
    }
    table.print(out);
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(out::println);
    }
  }

  private static String lr(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.6g", v);
  }
}
