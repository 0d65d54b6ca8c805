package org.torchwork.api;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a callback sees of the training loop (mlr3torch's {@code ContextTorch}), and the few
 * things it may do to it.
 *
 * <h2>Availability</h2>
 *
 * <p>Every value is defined in every stage unless listed here. Reading a value outside the
 * stages where it is defined throws an {@link IllegalStateException} naming the stage and where
 * the value is defined, instead of returning something stale.
 *
 * <table>
 * <caption>Values by stage</caption>
 * <tr><th>value</th><th>defined in</th></tr>
 * <tr><td>{@link #epoch()}</td><td>all stages: 0 in {@code on_begin} (or the epoch resumed
 *     from), the current epoch from {@code on_epoch_begin} to {@code on_epoch_end}, the last
 *     epoch run in {@code on_end} and {@code on_exit}</td></tr>
 * <tr><td>{@link #step()}</td><td>all stages: 0 in {@code on_epoch_begin}, the 1-based batch
 *     number from {@code on_batch_begin} to {@code on_batch_end}, the epoch's batch count
 *     afterwards</td></tr>
 * <tr><td>{@link #globalStep()}</td><td>all stages: training batches started in this run and,
 *     after a resume, in the run it continues</td></tr>
 * <tr><td>{@link #stepValid()}</td><td>all stages: the 1-based validation batch number in
 *     {@code on_batch_valid_*}, the count in {@code on_valid_end}, 0 before validation</td></tr>
 * <tr><td>{@link #batch()}</td><td>{@code on_batch_begin}, {@code on_after_backward},
 *     {@code on_batch_end}, {@code on_batch_valid_begin}, {@code on_batch_valid_end}</td></tr>
 * <tr><td>{@link #yHat()}</td><td>{@code on_after_backward}, {@code on_batch_end},
 *     {@code on_batch_valid_end}</td></tr>
 * <tr><td>{@link #gradients()}, {@link #scaleGradients}</td><td>{@code on_after_backward}</td></tr>
 * <tr><td>{@link #lastLoss()}</td><td>from the first {@code on_after_backward} on (this
 *     batch's loss there, unlike mlr3torch)</td></tr>
 * <tr><td>{@link #trainLoss()}</td><td>from the first {@code on_before_valid} on: the mean
 *     training loss of the latest epoch</td></tr>
 * <tr><td>{@link #lastScoresTrain()}</td><td>from the first {@code on_before_valid} on; empty
 *     before, and when no train measures are set</td></tr>
 * <tr><td>{@link #lastScoresValid()}</td><td>from the first {@code on_valid_end} on; empty
 *     before, and when the run does not validate</td></tr>
 * <tr><td>{@link #failure()}</td><td>{@code on_exit}; empty elsewhere</td></tr>
 * <tr><td>{@link #trainer()}, {@link #optimizer()}, {@link #loss()}</td><td>all stages, except
 *     that in {@code on_exit} after a failure while the network was being built they are
 *     {@code null}</td></tr>
 * </table>
 *
 * <h2>Actions</h2>
 *
 * <p>{@link #terminate()} (finish this epoch, then stop), {@link #setLearningRate(double)},
 * {@link #setMomentum(double)}, {@link #skipStep()} (skip this batch's optimizer step) and
 * {@link #log(String, double)} (publish a value). They are signals, not exceptions.
 *
 * <p>A context is used by one thread, the one that trains; do not keep it beyond the run.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface Context {
  /**
   * The stage now running.
   *
   * @return the stage
   */
  Stage stage();

  /**
   * The learner being trained.
   *
   * @return the learner
   */
  Learner learner();

  /**
   * The task trained on (without the rows held out for validation). Its {@link Task#weight(int)}
   * is the weight each row trains with: its own, times its class's under {@code class_weight}.
   *
   * @return the training task
   */
  Task taskTrain();

  /**
   * The validation task, when the learner validates.
   *
   * @return the validation task, or empty
   */
  Optional<Task> taskValid();

  /**
   * The measures computed on the training predictions each epoch.
   *
   * @return an unmodifiable list, possibly empty
   */
  List<Measure> measuresTrain();

  /**
   * The measures computed on the validation data.
   *
   * @return an unmodifiable list, possibly empty
   */
  List<Measure> measuresValid();

  /**
   * The DJL model being trained.
   *
   * @return the model
   */
  Model model();

  /**
   * The network: the model's block.
   *
   * @return the block
   */
  Block network();

  /**
   * The DJL trainer. Prefer the context's own actions to changing the trainer directly.
   *
   * @return the trainer
   */
  Trainer trainer();

  /**
   * The optimizer.
   *
   * @return the optimizer
   */
  Optimizer optimizer();

  /**
   * The loss function: the learner's {@code loss}, reducing a batch to the mean of its rows'
   * losses, or to their weighted mean {@code sum(w_i l_i) / sum(w_i)} when the batch's labels hold
   * the rows' weights (see {@link #batch()}).
   *
   * @return the loss
   */
  Loss loss();

  /**
   * The number of epochs the run trains for.
   *
   * @return the epochs
   */
  int totalEpochs();

  /**
   * How often the run validates, in epochs.
   *
   * @return the frequency; 1 validates every epoch
   */
  int evalFreq();

  /**
   * The current epoch (see the availability table).
   *
   * @return the epoch, 1-based; 0 before the first
   */
  int epoch();

  /**
   * The batch number within the current epoch (see the availability table).
   *
   * @return the step
   */
  int step();

  /**
   * The training batches started, across epochs (after a resume, counting the resumed run's).
   *
   * @return the global step
   */
  int globalStep();

  /**
   * The validation batch number within the current validation pass.
   *
   * @return the validation step
   */
  int stepValid();

  /**
   * The current batch, already on {@link #device()}. Its data is the features, {@code (n, features)};
   * its labels are the targets, {@code (n)} class indices for classification or an {@code (n, 1)}
   * column of values for regression, followed, when the batch's task carries row weights, by the
   * rows' weights, {@code (n)}. A run whose task has weights, or that sets {@code class_weight},
   * trains on weighted rows: its training batches hold the weights, times the class weights, and
   * {@link #loss()} weighs the rows by them. A validation batch holds its rows' own weights, when
   * they have weights.
   *
   * @return the batch
   * @throws IllegalStateException outside the batch stages
   */
  Batch batch();

  /**
   * The network's output for the current batch.
   *
   * @return the predictions
   * @throws IllegalStateException outside {@code on_after_backward}, {@code on_batch_end} and
   *     {@code on_batch_valid_end}
   */
  NDList yHat();

  /**
   * This batch's gradients, one per trained parameter, by name, in the network's order: the
   * arrays the optimizer's step reads next (clip or scale them in place to change the update).
   * The loop owns and frees them; do not close or keep them. After the step they are not this
   * batch's any more (PyTorch's update zeroes them): read them here.
   *
   * @return the gradients, unmodifiable
   * @throws IllegalStateException outside {@code on_after_backward}
   * @throws UnsupportedOperationException from a context that does not train (the default)
   */
  default Map<String, NDArray> gradients() {
    throw Defaults.unsupported(this, "gradients()", "has gradients. Read them in a callback's on_after_backward.");
  }

  /**
   * Multiplies every gradient of this batch by {@code factor} before the optimizer's step, as
   * {@code torch.nn.utils.clip_grad_norm_} does when it clips. The loop may keep the factor
   * pending and fold it into the optimizer's fused update instead of touching each array (one
   * native call per parameter saved). The next {@link #gradients()} call applies a pending factor
   * to the arrays and returns them scaled; until then, arrays fetched earlier hold the unscaled
   * values, and what is written into them is scaled with the rest. Several factors multiply
   * (their product is rounded to a float once).
   *
   * <p>The default, for contexts without such an update, multiplies each gradient in place.
   *
   * @param factor the factor, finite
   * @throws IllegalArgumentException when the factor is NaN or infinite
   * @throws IllegalStateException outside {@code on_after_backward}
   * @throws UnsupportedOperationException from a context that does not train (the default)
   */
  default void scaleGradients(double factor) {
    if (!Double.isFinite(factor)) {
      throw new IllegalArgumentException("ctx.scaleGradients(" + factor + "): the factor must be a finite number.");
    }
    for (NDArray g : gradients().values()) {
      g.muli((float) factor);
    }
  }

  /**
   * The loss of the latest training batch.
   *
   * @return the loss
   * @throws IllegalStateException before the first {@code on_after_backward}
   */
  double lastLoss();

  /**
   * The mean training loss of the latest epoch: the mean over its rows, weighted by their weights
   * when the training rows carry weights.
   *
   * @return the loss
   * @throws IllegalStateException before the first {@code on_before_valid}
   */
  double trainLoss();

  /**
   * The latest training scores, by measure id.
   *
   * @return an unmodifiable map, possibly empty
   */
  Map<String, Double> lastScoresTrain();

  /**
   * The latest validation scores, by measure id.
   *
   * @return an unmodifiable map, possibly empty
   */
  Map<String, Double> lastScoresValid();

  /**
   * Publishes a value for this epoch as {@code <callback id>.<name>} ({@code grad_clip.grad_norm}),
   * a name the callback's descriptor declares ({@link TorchCallback.Builder#publishes}), in any
   * stage from {@code on_epoch_begin} to {@code on_epoch_end}: the epoch's value is the mean of all
   * published for the name. It appears in {@code history}, {@code csv_logger}, {@code tb}, the
   * progress display and {@code --json}, and can be monitored ({@link Monitor}). Consumers see what
   * was published before they run in a stage: publish by {@code on_valid_end}, or with a lower
   * weight, to reach their {@code on_epoch_end}.
   *
   * @param name the value's name, as declared
   * @param value the value
   * @throws IllegalArgumentException for a name the callback does not declare
   * @throws IllegalStateException outside an epoch
   * @throws UnsupportedOperationException from a context that does not train (the default)
   */
  default void log(String name, double value) {
    throw Defaults.unsupported(this, "log()", "publishes values.");
  }

  /**
   * This epoch's published values so far (each the mean), by qualified name, after {@code lr}.
   *
   * @return an unmodifiable map
   */
  default Map<String, Double> logged() {
    return Map.of("lr", learningRate());
  }

  /**
   * The values the run's callbacks publish ({@code <callback id>.<name>}), in their order; fixed
   * before training, so that consumers know them all in {@code on_begin}.
   *
   * @return the names; empty when no callback publishes
   */
  default List<String> published() {
    return List.of();
  }

  /**
   * Every quantity this run produces, for monitors: {@code train.loss}, {@code train.<measure>},
   * {@code valid.<measure>}, {@code lr} and the {@link #published()} values.
   *
   * @return the names, in that order
   */
  default List<String> quantities() {
    return Defaults.quantities(this);
  }

  /**
   * A quantity's value in this epoch, as far as it is known: the training loss and scores from
   * {@code on_before_valid}, the validation scores from {@code on_valid_end} of an epoch that
   * validates, published values as soon as published.
   *
   * @param name a name from {@link #quantities()}
   * @return the value, or empty when the epoch has not produced it (yet)
   * @throws IllegalArgumentException for a name this run never produces, listing those it does
   */
  default Optional<Double> quantity(String name) {
    return Defaults.quantity(this, name);
  }

  /**
   * The device training runs on.
   *
   * @return the device
   */
  Device device();

  /**
   * The backend (engine) training runs on.
   *
   * @return for example {@code "pytorch"}
   */
  String backend();

  /**
   * The live callbacks of this run, by id, in the order they run.
   *
   * @return an unmodifiable map
   */
  Map<String, CallbackSet> callbacks();

  /**
   * The failure that is ending the run.
   *
   * @return the failure in {@code on_exit} after a failed run; empty otherwise
   */
  Optional<Throwable> failure();

  /**
   * Where callbacks print their output for the user.
   *
   * @return the stream; standard output unless the caller chose another
   */
  PrintStream out();

  /**
   * Asks the loop to stop: the current epoch finishes (validation and {@code on_epoch_end}
   * included), then {@code on_end} runs. Called in {@code on_begin}, no epoch runs. The same as
   * {@link #terminate(String)} without a reason.
   */
  default void terminate() {
    terminate(null);
  }

  /**
   * Asks the loop to stop, saying why: the run's summary and the trained model name the
   * callback, the stage and this reason. The first request counts; later ones only keep the
   * loop stopping.
   *
   * @param reason why, e.g. {@code "the training loss was NaN"}; null for none
   * @since 0.2
   */
  void terminate(String reason);

  /**
   * Whether a callback asked the loop to stop.
   *
   * @return true after {@link #terminate()}
   */
  boolean terminating();

  /**
   * The learning rate in force.
   *
   * @return the rate
   */
  double learningRate();

  /**
   * Sets the learning rate for the optimizer steps that follow.
   *
   * @param learningRate the new rate; 0 or more (0 pauses the updates) and finite
   */
  void setLearningRate(double learningRate);

  /**
   * The momentum in force: SGD's {@code momentum}, or Adam's and AdamW's first beta.
   *
   * @return the momentum
   * @throws UnsupportedOperationException from a context that does not train (the default)
   */
  default double momentum() {
    throw Defaults.unsupported(this, "momentum()", "has an optimizer.");
  }

  /**
   * Sets the momentum (as {@link #momentum()}) for the steps that follow.
   *
   * @param momentum in [0, 1)
   * @throws IllegalArgumentException outside [0, 1), or for SGD without momentum ({@code opt.momentum=0})
   * @throws UnsupportedOperationException from a context that does not train (the default)
   */
  default void setMomentum(double momentum) {
    throw Defaults.unsupported(this, "setMomentum()", "has an optimizer.");
  }

  /**
   * Saves a checkpoint of the run, atomically, in a directory: the network, the optimizer's
   * state, the random state that orders the data, the epoch and batch, the learning rate and every
   * callback's {@link CallbackSet#stateDict()} by id. Between epochs the file is
   * {@code checkpoint-<epoch>.zip}; after batch {@code k} of epoch {@code e + 1} it is
   * {@code checkpoint-<e>+<k>.zip}. A learner given {@code resume=<directory or file>} continues
   * from it exactly. A crash while writing leaves an existing file intact.
   *
   * <p>Allowed where the run can be resumed from: {@code on_begin}, {@code on_batch_end},
   * {@code on_epoch_end}, {@code on_end}, and {@code on_exit} of a run that ended, was interrupted
   * ({@link TrainingInterrupted}) or failed between batches. Claim the directory first, in {@code on_begin}
   * ({@link #claimCheckpoints}).
   *
   * @param directory the directory to write to; created if missing
   * @return the file written
   * @throws IllegalStateException in other stages
   * @throws TorchworkException when the file cannot be written
   */
  Path saveCheckpoint(Path directory);

  /**
   * Claims a directory for this run's checkpoints, before training starts (in {@code on_begin}):
   * creates it, checks that it is writable, and locks it for this run, so that a second run
   * writing to it at the same time is refused. A directory holding the checkpoints of another run
   * is refused, unless this run resumes that run, or {@code fresh} is set, which deletes that
   * run's checkpoints (and nothing else). Temporary files of saves that were cut short are
   * deleted. The lock is released when the run ends.
   *
   * @param directory the directory
   * @param param the parameter that names it, for messages, e.g. {@code cb.checkpoint.path}
   * @param fresh whether to delete another run's checkpoints instead of refusing
   * @return the directory, absolute
   * @throws TorchworkException naming the directory, the cause and the fix
   * @since 0.2
   */
  Path claimCheckpoints(Path directory, String param, boolean fresh);

  /**
   * Claims a file a callback will write, before training starts (in {@code on_begin}). Refuses a
   * path that is a symbolic link, a folder or another file that is not a regular file, one of the
   * run's input files (the task's data file above all), or an existing file that {@code ours}
   * does not recognise as written by the callback: Torchwork never writes over a file it did not
   * create. Creates the folder, and checks that a file can be created in it. Open the file with
   * {@link java.nio.file.LinkOption#NOFOLLOW_LINKS}.
   *
   * @param file the file
   * @param param the parameter that names it, for messages, e.g. {@code cb.csv_logger.path}
   * @param ours whether an existing file was written by the callback (an empty file always may be
   *     written over)
   * @return the file, absolute
   * @throws TorchworkException naming the file, the cause and the fix
   * @since 0.2
   */
  Path claimFile(Path file, String param, Predicate<Path> ours);

  /**
   * Claims a folder a callback will create new files in, before training starts (in
   * {@code on_begin}): refuses a symbolic link, a path that is a file, and an input of the run;
   * creates the folder and checks that a file can be created in it. Create files in it with
   * {@link java.nio.file.StandardOpenOption#CREATE_NEW} and
   * {@link java.nio.file.LinkOption#NOFOLLOW_LINKS}, never over an existing one.
   *
   * @param folder the folder
   * @param param the parameter that names it, for messages, e.g. {@code cb.tb.path}
   * @return the folder, absolute
   * @throws TorchworkException naming the folder, the cause and the fix
   * @since 0.2
   */
  Path claimFolder(Path folder, String param);

  /**
   * Whether the current epoch validated.
   *
   * @return true from {@code on_valid_end} to {@code on_epoch_end} of an epoch that validated;
   *     false otherwise
   */
  boolean validated();

  /**
   * The number of training batches per epoch.
   *
   * @return the batches
   */
  int batches();

  /**
   * Skips the optimizer step of the current training batch; the gradients are discarded.
   * Allowed in {@code on_batch_begin} and {@code on_after_backward}.
   *
   * @throws IllegalStateException in other stages
   */
  void skipStep();
}
