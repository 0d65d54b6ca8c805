package org.torchwork.api;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * <p>{@link #terminate()} (finish this epoch, then stop), {@link #setLearningRate(double)} and
 * {@link #skipStep()} (skip this batch's optimizer step). They are signals, not exceptions.
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
   * The task trained on (without the rows held out for validation).
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
   * The loss function.
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
   * The current batch, already on {@link #device()}.
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
   * The loss of the latest training batch.
   *
   * @return the loss
   * @throws IllegalStateException before the first {@code on_after_backward}
   */
  double lastLoss();

  /**
   * The mean training loss of the latest epoch.
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
   * included), then {@code on_end} runs. Called in {@code on_begin}, no epoch runs.
   */
  void terminate();

  /**
   * Whether a callback asked the loop to stop.
   *
   * @return true after {@link #terminate()}
   */
  boolean terminating();

  /**
   * The learning rate in force.
   *
   * @return the learning rate
   */
  double learningRate();

  /**
   * Sets the learning rate for the optimizer steps that follow.
   *
   * @param learningRate the new rate; positive and finite
   */
  void setLearningRate(double learningRate);

  /**
   * Saves a checkpoint of the run, atomically, as {@code checkpoint-<epoch>.zip} in a directory:
   * the network, the optimizer's state, the random state that orders the data, the epoch, the
   * learning rate and every callback's {@link CallbackSet#stateDict()} by id. A learner given
   * {@code resume=<directory or file>} continues from it exactly. A crash while writing leaves an
   * existing file intact.
   *
   * <p>Allowed where the run is between epochs: {@code on_begin}, {@code on_epoch_end} and
   * {@code on_end}. (A save in the middle of an epoch could not be resumed exactly.)
   *
   * @param directory the directory to write to; created if missing
   * @return the file written
   * @throws IllegalStateException in other stages
   * @throws TorchworkException when the file cannot be written
   */
  java.nio.file.Path saveCheckpoint(java.nio.file.Path directory);

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
