package org.torchwork.api;

/**
 * A performance measure, such as {@code classif.acc} or {@code regr.rmse}. Found by id through
 * {@link org.torchwork.api.spi.MeasureProvider}.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface Measure {
  /**
   * The measure's id, prefixed by its task type.
   *
   * @return for example {@code "classif.acc"}
   */
  String id();

  /**
   * A short human-readable name.
   *
   * @return the label; the id by default
   */
  default String label() {
    return id();
  }

  /**
   * The task type this measure scores.
   *
   * @return the type
   */
  TaskType taskType();

  /**
   * Whether lower scores are better.
   *
   * @return true for losses and errors, false for accuracies
   */
  boolean minimize();

  /**
   * Scores a prediction of this measure's task type.
   *
   * @param prediction the prediction; not null
   * @return the score
   */
  double score(Prediction prediction);
}
