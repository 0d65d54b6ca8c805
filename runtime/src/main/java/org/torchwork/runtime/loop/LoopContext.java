package org.torchwork.runtime.loop;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Learner;
import org.torchwork.api.Measure;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.runtime.store.CheckpointFolder;
import org.torchwork.runtime.store.Outputs;

/** The loop's state as callbacks see it; the loop writes the fields, callbacks read them. */
final class LoopContext implements Context {
  private static final Set<Stage> BATCH_STAGES =
      EnumSet.of(
          Stage.ON_BATCH_BEGIN,
          Stage.ON_AFTER_BACKWARD,
          Stage.ON_BATCH_END,
          Stage.ON_BATCH_VALID_BEGIN,
          Stage.ON_BATCH_VALID_END);
  private static final Set<Stage> Y_HAT_STAGES =
      EnumSet.of(Stage.ON_AFTER_BACKWARD, Stage.ON_BATCH_END, Stage.ON_BATCH_VALID_END);
  private static final Set<Stage> GRADIENT_STAGES = EnumSet.of(Stage.ON_AFTER_BACKWARD);
  private static final Set<Stage> SKIP_STAGES = EnumSet.of(Stage.ON_BATCH_BEGIN, Stage.ON_AFTER_BACKWARD);
  private static final Set<Stage> CHECKPOINT_STAGES =
      EnumSet.of(Stage.ON_BEGIN, Stage.ON_BATCH_END, Stage.ON_EPOCH_END, Stage.ON_END, Stage.ON_EXIT);

  // Fixed for the run.
  Learner learner;
  Task taskTrain;
  Task taskValid;
  List<Measure> measuresTrain = List.of();
  List<Measure> measuresValid = List.of();
  Model model;
  Trainer trainer;
  Optimizers.Stateful optimizer;
  Loss loss;
  int totalEpochs;
  int evalFreq;
  Device device;
  String backend;
  Map<String, CallbackSet> callbacks = Map.of();
  PrintStream out;
  final LearningRate learningRate = new LearningRate();

  // Changing as the loop runs.
  Stage stage = Stage.ON_BEGIN;
  int epoch;
  int step;
  int globalStep;
  int stepValid;
  Batch batch;
  NDList yHat;
  /** The training step's gradients; null until the run's model exists. */
  StepGradients gradients;
  /** The batches' losses; null until the run's model exists. */
  Losses losses;
  double trainLoss = Double.NaN;
  boolean hasTrainLoss;
  Map<String, Double> lastScoresTrain = Map.of();
  Map<String, Double> lastScoresValid = Map.of();
  Throwable failure;
  boolean terminate;
  /** Who asked the loop to stop first, in which stage, and why. */
  String terminatedBy;
  Stage terminatedIn;
  String terminateReason;
  boolean skipStep;
  UnaryOperator<Path> checkpointWriter;
  boolean validated;
  /** Whether the run is at a point a checkpoint can resume exactly: not inside a batch before its update. */
  boolean consistent = true;
  int batches;
  /** Between on_epoch_begin and the end of on_epoch_end. */
  boolean inEpoch;
  /** The callback being called, for messages. */
  String current = "";
  /** The run's input files, which no output may replace, by what they are. */
  Map<java.nio.file.Path, String> inputs = Map.of();
  /** Who owns the checkpoint folders claimed, and what this run resumed from. */
  CheckpointFolder.Owner owner;
  Path resumedFrom;
  private final List<CheckpointFolder> claimed = new ArrayList<>();
  /** This epoch's published values. */
  final Published published = new Published();
  /** Every quantity of the run, for monitors. */
  private List<String> quantities = List.of();
  /** The learning rate of the epoch's training, from on_before_valid; NaN before. */
  double epochLr = Double.NaN;
  /** The epoch whose training loss {@link #trainLoss} is. */
  int trainLossEpoch = -1;

  /** Declares what the run's callbacks publish, once, before training; fixes the run's quantities. */
  void declare(List<Live> lives) {
    published.declare(lives);
    // Without validation data, no validation measure is ever produced.
    quantities = Context.super.quantities().stream().filter(q -> taskValid != null || !q.startsWith("valid.")).toList();
  }

  /** Starts an epoch's published values afresh. */
  void clearPublished() {
    epochLr = Double.NaN;
    published.clear();
  }

  @Override
  public void log(String name, double value) {
    published.add(current, name, value, inEpoch || stage == Stage.ON_EPOCH_END, stage);
  }

  @Override
  public Map<String, Double> logged() {
    return published.means(Double.isNaN(epochLr) ? learningRate.rate() : epochLr);
  }

  @Override
  public List<String> published() {
    return published.names();
  }

  @Override
  public List<String> quantities() {
    return quantities;
  }

  @Override
  public Optional<Double> quantity(String name) {
    if (name.equals("train.loss")) {
      if (!quantities.contains(name)) {
        Context.super.quantity(name);
      }
      return hasTrainLoss && trainLossEpoch == epoch && epoch > 0 ? Optional.of(trainLoss) : Optional.empty();
    }
    return Context.super.quantity(name);
  }

  @Override
  public Stage stage() {
    return stage;
  }

  @Override
  public Learner learner() {
    return learner;
  }

  @Override
  public Task taskTrain() {
    return taskTrain;
  }

  @Override
  public Optional<Task> taskValid() {
    return Optional.ofNullable(taskValid);
  }

  @Override
  public List<Measure> measuresTrain() {
    return measuresTrain;
  }

  @Override
  public List<Measure> measuresValid() {
    return measuresValid;
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public Block network() {
    return model.getBlock();
  }

  @Override
  public Trainer trainer() {
    return trainer;
  }

  @Override
  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public Loss loss() {
    return loss;
  }

  @Override
  public int totalEpochs() {
    return totalEpochs;
  }

  @Override
  public int evalFreq() {
    return evalFreq;
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public int step() {
    return step;
  }

  @Override
  public int globalStep() {
    return globalStep;
  }

  @Override
  public int stepValid() {
    return stepValid;
  }

  @Override
  public Batch batch() {
    require("batch()", BATCH_STAGES);
    return batch;
  }

  @Override
  public NDList yHat() {
    require("yHat()", Y_HAT_STAGES);
    return yHat;
  }

  @Override
  public Map<String, NDArray> gradients() {
    require("gradients()", GRADIENT_STAGES);
    return gradients.all();
  }

  @Override
  public void scaleGradients(double factor) {
    require("scaleGradients()", GRADIENT_STAGES);
    if (!Double.isFinite(factor)) {
      throw new IllegalArgumentException("ctx.scaleGradients(" + factor + "): the factor must be a finite number.");
    }
    gradients.scale(factor);
  }

  @Override
  public double lastLoss() {
    if (losses == null || !losses.any()) {
      throw new IllegalStateException(
          "ctx.lastLoss() is not defined yet in " + stage + ": it is defined from the first on_after_backward on.");
    }
    return losses.last();
  }

  @Override
  public double trainLoss() {
    if (!hasTrainLoss) {
      throw new IllegalStateException(
          "ctx.trainLoss() is not defined yet in " + stage + ": it is defined from the first on_before_valid on.");
    }
    return trainLoss;
  }

  @Override
  public Map<String, Double> lastScoresTrain() {
    return lastScoresTrain;
  }

  @Override
  public Map<String, Double> lastScoresValid() {
    return lastScoresValid;
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public String backend() {
    return backend;
  }

  @Override
  public Map<String, CallbackSet> callbacks() {
    return callbacks;
  }

  @Override
  public Optional<Throwable> failure() {
    return stage == Stage.ON_EXIT ? Optional.ofNullable(failure) : Optional.empty();
  }

  @Override
  public PrintStream out() {
    return out;
  }

  @Override
  public void terminate(String reason) {
    if (!terminate) {
      terminatedBy = current;
      terminatedIn = stage;
      terminateReason = reason;
    }
    terminate = true;
  }

  @Override
  public boolean terminating() {
    return terminate;
  }

  @Override
  public double learningRate() {
    return learningRate.rate();
  }

  @Override
  public void setLearningRate(double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("Learning rate must be 0 or more and finite, got " + rate + ".");
    }
    learningRate.set(rate);
  }

  @Override
  public double momentum() {
    return optimizer.momentum();
  }

  @Override
  public void setMomentum(double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("Momentum must be in [0, 1), got " + momentum + ".");
    }
    optimizer.setMomentum(momentum);
  }

  @Override
  public Path saveCheckpoint(Path directory) {
    boolean resumable = stage != Stage.ON_EXIT || failure == null || failure instanceof TrainingInterrupted || consistent;
    if (checkpointWriter == null) {
      throw new IllegalStateException("ctx.saveCheckpoint() has nothing to save in " + stage + ": the run failed before"
          + " training began");
    }
    if (!CHECKPOINT_STAGES.contains(stage) || !resumable) {
      throw new IllegalStateException("ctx.saveCheckpoint() is not allowed in " + stage + (resumable ? ""
          : " after a failure where no checkpoint can resume from (inside a batch before its update, as an epoch begins,"
              + " or while it validates and ends)") + "; it is allowed in on_begin, on_batch_end, on_epoch_end,"
          + " on_end, and on_exit of a run that ended, was interrupted, or failed between batches, where the run can be"
          + " resumed from.");
    }
    // A folder not claimed in on_begin is claimed now, with the same rules.
    claimCheckpoints(directory, "the folder given to ctx.saveCheckpoint()", false);
    return checkpointWriter.apply(directory);
  }

  @Override
  public Path claimCheckpoints(Path directory, String param, boolean fresh) {
    Path dir = directory.toAbsolutePath().normalize();
    for (CheckpointFolder c : claimed) {
      if (c.dir().equals(dir)) {
        return dir;
      }
    }
    outputs().folder(directory, param);
    claimed.add(CheckpointFolder.claim(dir, param, fresh, owner, resumedFrom));
    return dir;
  }

  @Override
  public Path claimFile(Path file, String param, Predicate<Path> ours) {
    return outputs().file(file, param, ours);
  }

  @Override
  public Path claimFolder(Path folder, String param) {
    return outputs().folder(folder, param);
  }

  private Outputs outputs() {
    return new Outputs(current, inputs);
  }

  /** Releases the checkpoint folders' locks, at the end of the run. */
  void releaseClaims() {
    claimed.forEach(CheckpointFolder::close);
    claimed.clear();
  }

  @Override
  public boolean validated() {
    return validated;
  }

  @Override
  public int batches() {
    return batches;
  }

  @Override
  public void skipStep() {
    require("skipStep()", SKIP_STAGES);
    skipStep = true;
  }

  private void require(String what, Set<Stage> stages) {
    if (!stages.contains(stage)) {
      throw new IllegalStateException(
          "ctx." + what + " is not defined in " + stage + "; it is defined in "
              + stages.stream().map(Stage::id).collect(Collectors.joining(", ")) + ".");
    }
  }

  /** The learning rate the optimizer reads at every update; callbacks change it. */
  static final class LearningRate implements Tracker {
    private double rate;
    private float value;

    void set(double rate) {
      this.rate = rate;
      this.value = (float) rate;
    }

    double rate() {
      return rate;
    }

    @Override
    public float getNewValue(int numUpdate) {
      return value;
    }
  }

}
