package org.torchwork.api;

import java.util.List;

/**
 * What callbacks see of the learner being trained: its id, task type, parameter values and
 * callbacks. The runtime's learner class implements it.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface Learner {
  /**
   * The learner's id.
   *
   * @return for example {@code "classif.mlp"}
   */
  String id();

  /**
   * The task type the learner trains on.
   *
   * @return the type
   */
  TaskType taskType();

  /**
   * The learner's checked parameter values (without {@code cb.*} values, which belong to the
   * callbacks).
   *
   * @return the values
   */
  ParamValues params();

  /**
   * The callbacks configured on the learner, in the order given.
   *
   * @return an unmodifiable list
   */
  List<TorchCallback> callbacks();
}
