package org.torchwork.runtime;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Asks the training runs of this process to stop cleanly. The loop finishes the batch in
 * progress, stops between two batches, runs every callback's {@code on_exit} with a
 * {@link org.torchwork.api.TrainingInterrupted} failure (where {@code checkpoint} saves the run),
 * and {@link TorchLearner#train} throws that exception. The {@code torchwork} command calls
 * {@link #request} on {@code SIGINT} (Ctrl-C) and {@code SIGTERM}; a program can call it from
 * any thread.
 */
public final class Interrupts {
  private static final AtomicReference<String> REQUESTED = new AtomicReference<>();
  private static volatile int running;

  private Interrupts() {}

  /**
   * Asks every run in progress to stop.
   *
   * @param why what asks, e.g. {@code SIGINT}
   * @return whether a run was in progress to see it
   */
  public static boolean request(String why) {
    REQUESTED.compareAndSet(null, why);
    return running > 0;
  }

  /**
   * What asked the runs to stop, if anything did since the last {@link #clear()} or since the
   * first of the runs in progress started.
   *
   * @return the reason, or empty
   */
  public static Optional<String> requested() {
    return Optional.ofNullable(REQUESTED.get());
  }

  /** Forgets a request, so the next run trains. */
  public static void clear() {
    REQUESTED.set(null);
  }

  /**
   * Whether a run is in progress in this process.
   *
   * @return true while a training loop runs
   */
  public static boolean running() {
    return running > 0;
  }

  /**
   * Runs a training loop, counted as in progress: a request made while no run was in progress was
   * for earlier runs, and is forgotten when the first one starts.
   */
  static <T> T during(Supplier<T> run) {
    synchronized (Interrupts.class) {
      if (running == 0) {
        clear();
      }
      running++;
    }
    try {
      return run.get();
    } finally {
      synchronized (Interrupts.class) {
        running--;
      }
    }
  }
}
