package org.torchwork.api;

/** The kind of supervised task: classification or regression. */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public enum TaskType {
  /** Classification: the target is one of a fixed set of classes. */
  CLASSIF("classif"),
  /** Regression: the target is a number. */
  REGR("regr");

  private final String id;

  TaskType(String id) {
    this.id = id;
  }

  /**
   * The prefix learner and measure ids use for this type.
   *
   * @return {@code "classif"} or {@code "regr"}
   */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }
}
