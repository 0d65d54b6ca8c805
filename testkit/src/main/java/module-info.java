/**
 * A test kit for callback and learner authors: run a callback (or learner) through a short real
 * training run and assert on the stages it saw, what it printed and its state.
 */
module org.torchwork.testkit {
  requires transitive org.torchwork.runtime;

  exports org.torchwork.testkit;
}
