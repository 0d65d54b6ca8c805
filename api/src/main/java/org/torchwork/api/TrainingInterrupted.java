package org.torchwork.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A run stopped by an interrupt (Ctrl-C, {@code SIGTERM}, or a program asking it to stop). The
 * loop finishes the batch in progress, then stops between two batches, where the run can be
 * resumed exactly; every callback's {@code on_exit} runs and sees this as {@link
 * Context#failure()}, and may save a checkpoint there ({@link Context#saveCheckpoint}).
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.2")
public final class TrainingInterrupted extends TorchworkException {
  private static final long serialVersionUID = 1L;

  /** What interrupted the run. */
  private final String signal;
  /** The epoch in progress. */
  private final int epoch;
  /** The batches of that epoch that were done. */
  private final int step;
  /** The checkpoint written on the way out; not serialized (a path is not portable). */
  private final transient Path checkpoint;

  /**
   * Creates the exception.
   *
   * @param signal what interrupted the run, e.g. {@code SIGINT}
   * @param epoch the epoch in progress (or the last one finished, between epochs)
   * @param step the training batches of that epoch that were done
   * @param checkpoint the checkpoint written on the way out, or null
   */
  public TrainingInterrupted(String signal, int epoch, int step, Path checkpoint) {
    super("Interrupted by " + signal + (step == 0 ? " after epoch " + epoch : " in epoch " + epoch + " after " + step
        + " batch(es)")
        + (checkpoint == null ? "; no checkpoint was written on the way out."
            : "; checkpoint " + checkpoint + " was written: continue with resume=" + checkpoint.getParent() + "."));
    this.signal = signal;
    this.epoch = epoch;
    this.step = step;
    this.checkpoint = checkpoint;
  }

  /**
   * What interrupted the run.
   *
   * @return e.g. {@code SIGINT} or {@code SIGTERM}
   */
  public String signal() {
    return signal;
  }

  /**
   * The epoch in progress when the run stopped.
   *
   * @return the epoch
   */
  public int epoch() {
    return epoch;
  }

  /**
   * The training batches of {@link #epoch()} that were done.
   *
   * @return the batches
   */
  public int step() {
    return step;
  }

  /**
   * The checkpoint written on the way out.
   *
   * @return the file, or empty
   */
  public Optional<Path> checkpoint() {
    return Optional.ofNullable(checkpoint);
  }
}
