package org.torchwork.runtime;

/** Test access to how a learner splits off validation rows. */
final class TorchLearnerTestAccess {
  private TorchLearnerTestAccess() {}

  static int[] validationRows(int n, double ratio, int seed) {
    return TorchLearner.split(n, ratio, seed)[1];
  }
}
