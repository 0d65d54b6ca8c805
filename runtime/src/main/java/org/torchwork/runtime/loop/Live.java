package org.torchwork.runtime.loop;

import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.store.States;

/**
 * A callback of a run: its id and live instance, and how the loop runs its stages and reads its
 * state.
 *
 * @param id the callback's id
 * @param callback the instance
 * @param publishes the names of the values it publishes ({@link Context#log})
 */
public record Live(String id, CallbackSet callback, java.util.List<String> publishes) {

  /**
   * A callback that publishes nothing.
   *
   * @param id the callback's id
   * @param callback the instance
   */
  public Live(String id, CallbackSet callback) {
    this(id, callback, java.util.List.of());
  }

  /**
   * The callback's state, checked to be plain data.
   *
   * @return the state; null when it keeps none
   * @throws TorchworkException when stateDict() fails or returns something else than plain data
   */
  public Object state(Stage stage) {
    Object state;
    try {
      state = callback.stateDict();
      States.check(state);
    } catch (Throwable t) {
      // A StackOverflowError or OutOfMemoryError too: named with the callback and the stage.
      throw new CallbackException(id, stage, t instanceof TorchworkException ? t
          : new TorchworkException("its stateDict() failed: " + t + ". Fix the callback.", t));
    }
    return state;
  }

  /**
   * The callback's tensors, checked to have usable names.
   *
   * @param stage the stage, for messages
   * @return the tensors by name; empty when it keeps none
   * @throws CallbackException when tensors() fails, names a tensor badly, or returns a closed one
   */
  public java.util.Map<String, ai.djl.ndarray.NDArray> tensors(Stage stage) {
    try {
      java.util.Map<String, ai.djl.ndarray.NDArray> tensors = callback.tensors();
      for (java.util.Map.Entry<String, ai.djl.ndarray.NDArray> e : tensors.entrySet()) {
        if (e.getKey() == null || !e.getKey().matches("[A-Za-z0-9_.-]{1,200}")) {
          throw new TorchworkException("its tensors() names a tensor '" + e.getKey() + "'; use letters, digits, '_', '.' and"
              + " '-'. Fix the callback.");
        }
        if (e.getValue() == null || e.getValue().isReleased()) {
          throw new TorchworkException("its tensors() returns " + (e.getValue() == null ? "null" : "a closed array") + " for '"
              + e.getKey() + "'. Keep the tensors open until on_exit. Fix the callback.");
        }
      }
      return tensors;
    } catch (Throwable t) {
      throw new CallbackException(id, stage, t instanceof TorchworkException ? t
          : new TorchworkException("its tensors() failed: " + t + ". Fix the callback.", t));
    }
  }

  /** Frees the callback's tensors once the run is over, but none of the network's weights. */
  void releaseTensors(java.util.Set<ai.djl.ndarray.NDArray> weights) {
    try {
      callback.tensors().values().forEach(a -> {
        if (a != null && !a.isReleased() && !weights.contains(a)) {
          a.close();
        }
      });
    } catch (RuntimeException e) {
      // Freed with the model's memory instead.
    }
  }

  /**
   * Runs one stage of the callback.
   *
   * @param stage the stage
   * @param ctx the loop's context
   * @throws CallbackException wrapping whatever the callback throws, with its id and the stage
   */
  public void call(Stage stage, Context ctx) {
    CallbackSet cb = callback;
    try {
      switch (stage) {
        case ON_BEGIN:
          cb.onBegin(ctx);
          break;
        case ON_EPOCH_BEGIN:
          cb.onEpochBegin(ctx);
          break;
        case ON_BATCH_BEGIN:
          cb.onBatchBegin(ctx);
          break;
        case ON_AFTER_BACKWARD:
          cb.onAfterBackward(ctx);
          break;
        case ON_BATCH_END:
          cb.onBatchEnd(ctx);
          break;
        case ON_BEFORE_VALID:
          cb.onBeforeValid(ctx);
          break;
        case ON_BATCH_VALID_BEGIN:
          cb.onBatchValidBegin(ctx);
          break;
        case ON_BATCH_VALID_END:
          cb.onBatchValidEnd(ctx);
          break;
        case ON_VALID_END:
          cb.onValidEnd(ctx);
          break;
        case ON_EPOCH_END:
          cb.onEpochEnd(ctx);
          break;
        case ON_END:
          cb.onEnd(ctx);
          break;
        case ON_EXIT:
          cb.onExit(ctx);
          break;
        default:
          throw new AssertionError(stage);
      }
    } catch (Throwable t) {
      // Errors too (StackOverflowError, OutOfMemoryError, ...): the message names the callback and
      // the stage, and the cause keeps the error's type.
      throw new CallbackException(id, stage, t);
    }
  }
}
