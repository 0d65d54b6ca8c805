package org.torchwork.runtime;

import java.util.Objects;

/**
 * How a training run ended: all its epochs done, stopped early, or terminated by a callback. A
 * run that was interrupted or failed ends with an exception instead
 * ({@link org.torchwork.api.TrainingInterrupted}, {@link org.torchwork.api.CallbackException}).
 *
 * @param kind {@link #COMPLETED}, {@link #EARLY_STOPPING} or {@link #TERMINATED}
 * @param epoch the last epoch that ran
 * @param epochs the epochs the run was set to
 * @param callback the callback that stopped the run, or null when it completed
 * @param stage the stage it asked in, e.g. {@code on_valid_end}, or null
 * @param reason the reason it gave, or null
 */
public record RunEnd(String kind, int epoch, int epochs, String callback, String stage, String reason) {
  /** Every epoch ran. */
  public static final String COMPLETED = "completed";
  /** Early stopping ended the run. */
  public static final String EARLY_STOPPING = "early_stopping";
  /** A callback ended the run ({@code ctx.terminate}). */
  public static final String TERMINATED = "terminated";

  /**
   * Checks the kind.
   *
   * @param kind the kind
   * @param epoch the last epoch
   * @param epochs the epochs set
   * @param callback the callback, or null
   * @param stage the stage, or null
   * @param reason the reason, or null
   */
  public RunEnd {
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * One sentence for people, e.g. {@code all 5 epochs done}.
   *
   * @return the description
   */
  public String describe() {
    switch (kind) {
      case COMPLETED:
        return "all " + epochs + " epochs done";
      case EARLY_STOPPING:
        return "stopped early after epoch " + epoch + " of " + epochs + (reason == null ? "" : ": " + reason);
      default:
        return "terminated after epoch " + epoch + " of " + epochs + " by callback '" + callback + "' in " + stage
            + (reason == null ? " (it gave no reason)" : ": " + reason);
    }
  }
}
