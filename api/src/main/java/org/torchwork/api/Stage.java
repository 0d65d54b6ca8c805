package org.torchwork.api;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The twelve stages of the training loop, in the order they first run.
 *
 * <p>The loop is:
 *
 * <pre>
 * on_begin
 * for each epoch (until the epochs are exhausted or a callback terminated the run):
 *     on_epoch_begin
 *     for each training batch:
 *         on_batch_begin        batch fetched, on the device; before the forward pass
 *         on_after_backward     loss computed, gradients present; before the optimizer step
 *         on_batch_end          after the optimizer step
 *     on_before_valid           train loss and train scores computed; runs every epoch
 *     if this epoch validates:
 *         for each validation batch:
 *             on_batch_valid_begin
 *             on_batch_valid_end
 *         on_valid_end          validation scores computed
 *     on_epoch_end
 * on_end                        the loop ended normally
 * on_exit                       always, on success and on failure
 * </pre>
 *
 * <p>An epoch validates when the learner has validation data and the epoch is a multiple of
 * {@code eval_freq}, is the last epoch, or the run is terminating. {@link Context} documents
 * which of its values are defined in which stage.
 *
 * <p>Differences from mlr3torch, each deliberate: {@code on_epoch_begin} already sees
 * {@link Context#step()} reset to 0; {@code on_after_backward} sees this batch's loss, not the
 * previous one; {@code on_exit} sees the failure that ended the run, if any; an epoch in which a
 * callback terminates the run before validating (in a batch or {@code on_before_valid}) validates
 * even when {@code eval_freq} would skip it, so that the run's final weights have validation
 * scores (its training scores stay empty, the epoch having begun as one that does not evaluate);
 * mlr3torch validates only every {@code eval_freq} epochs and after the last. In an epoch that
 * does not evaluate, the training and validation scores are empty, as in mlr3torch.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public enum Stage {
  /** Once, before the first epoch. */
  ON_BEGIN,
  /** At the start of every epoch; {@link Context#epoch()} is already incremented. */
  ON_EPOCH_BEGIN,
  /** Before each training batch's forward pass. */
  ON_BATCH_BEGIN,
  /** After the backward pass, before the optimizer step; gradients may be read or edited. */
  ON_AFTER_BACKWARD,
  /** After the optimizer step of each training batch. */
  ON_BATCH_END,
  /** Every epoch, after the training batches and train scores, before any validation. */
  ON_BEFORE_VALID,
  /** Before each validation batch, in epochs that validate. */
  ON_BATCH_VALID_BEGIN,
  /** After each validation batch's forward pass, in epochs that validate. */
  ON_BATCH_VALID_END,
  /** After the validation scores are computed, in epochs that validate. */
  ON_VALID_END,
  /** Last in every epoch. */
  ON_EPOCH_END,
  /** Once, when the loop ends normally (epochs exhausted or terminated). */
  ON_END,
  /** Once, always: after a normal end and after a failure. */
  ON_EXIT;

  private final String id;
  private final String methodName;

  Stage() {
    this.id = name().toLowerCase(Locale.ROOT);
    StringBuilder method = new StringBuilder();
    boolean upper = false;
    for (char c : id.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        method.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    this.methodName = method.toString();
  }

  /**
   * The stage's id as mlr3torch spells it.
   *
   * @return for example {@code "on_batch_end"}
   */
  public String id() {
    return id;
  }

  /**
   * The name of the {@link CallbackSet} method that runs in this stage.
   *
   * @return for example {@code "onBatchEnd"}
   */
  public String methodName() {
    return methodName;
  }

  /**
   * Finds a stage by its id ({@code on_batch_end}) or method name ({@code onBatchEnd}).
   *
   * @param name the id or method name; not null
   * @return the stage
   * @throws IllegalArgumentException naming the stages that exist when none matches
   */
  public static Stage of(String name) {
    for (Stage stage : values()) {
      if (stage.id.equals(name) || stage.methodName.equals(name)) {
        return stage;
      }
    }
    throw new IllegalArgumentException(
        "Unknown stage '" + name + "'. The stages are: " + idList() + ".");
  }

  /**
   * All stage ids, in loop order.
   *
   * @return an unmodifiable list of ids
   */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Stage::id).collect(Collectors.toUnmodifiableList());
  }

  private static String idList() {
    return String.join(", ", ids());
  }

  @Override
  public String toString() {
    return id;
  }
}
