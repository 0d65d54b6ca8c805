package org.torchwork.api.internal;

import java.util.List;
import org.torchwork.api.ApiStatus;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;

/**
 * Makes a {@link Task} over arrays its maker hands over instead of copies, so that a reader of a
 * large file holds its rows once. Not public API: the arrays must not be changed afterwards.
 */
@ApiStatus(value = ApiStatus.Status.INTERNAL, since = "0.3")
public final class TaskAccess {
  /** What {@link Task} registers. */
  @FunctionalInterface
  @ApiStatus(value = ApiStatus.Status.INTERNAL, since = "0.3")
  public interface Maker {
    /**
     * Makes the task.
     *
     * @param id the id
     * @param type the type, or null for a task without a target
     * @param target the target's name, or null
     * @param features the feature names
     * @param classes the classes
     * @param x the features, row-major; at least {@code nrow * features.size()} values
     * @param y the targets (class indices as floats); at least {@code nrow} values
     * @param nrow the rows
     * @return the task
     */
    Task make(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y, int nrow);
  }

  private static volatile Maker maker;

  private TaskAccess() {}

  /**
   * Called once, by {@link Task}.
   *
   * @param m the maker
   */
  public static void register(Maker m) {
    if (maker == null) {
      maker = m;
    }
  }

  /**
   * A task over the given arrays, which it takes over; see {@link Maker#make}.
   *
   * @param id the id
   * @param type the type, or null for a task without a target
   * @param target the target's name, or null
   * @param features the feature names
   * @param classes the classes
   * @param x the features, row-major; at least {@code nrow * features.size()} values
   * @param y the targets; at least {@code nrow} values
   * @param nrow the rows
   * @return the task
   */
  public static Task adopt(String id, TaskType type, String target, List<String> features, List<String> classes, float[] x, float[] y,
      int nrow) {
    if (maker == null) {
      try {
        Class.forName(Task.class.getName(), true, Task.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return maker.make(id, type, target, features, classes, x, y, nrow);
  }
}
