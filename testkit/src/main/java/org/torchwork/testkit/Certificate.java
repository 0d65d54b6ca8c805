package org.torchwork.testkit;

import java.util.Optional;

/**
 * What {@link TestKit#certify} found.
 *
 * @param callback the callback's id
 * @param epochs the epochs of each way of training
 * @param difference the first difference between the two, or empty when they agree bit for bit
 */
public record Certificate(String callback, int epochs, Optional<String> difference) {
  /**
   * Whether the two ways of training agree bit for bit.
   *
   * @return true when there is no difference
   */
  public boolean passed() {
    return difference.isEmpty();
  }

  @Override
  public String toString() {
    return difference.map(d -> "certify " + callback + ": FAILED. Trained " + epochs + " epochs straight through and again"
            + " stopped and resumed from checkpoints; the first difference is in " + d + ". A resumed run does not continue"
            + " where it stopped: make loadStateDict() (and loadTensors()) restore everything stateDict() (and tensors())"
            + " hold.")
        .orElse("certify " + callback + ": passed. Trained " + epochs + " epochs straight through, split at every epoch, and"
            + " interrupted in the middle of every epoch (each part resumed from its checkpoint): the weights, the history,"
            + " the callback's state and its tensors agree bit for bit.");
  }
}
