package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import java.util.List;
import java.util.function.Supplier;
import org.torchwork.api.Task;

/** Supplies built-in tasks by id, found with {@link java.util.ServiceLoader}. */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface TaskProvider {

  /**
   * A task that can be loaded by id.
   *
   * @param id the task's id
   * @param label a short description
   * @param loader loads the task when it is asked for
   */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
  record TaskSource(String id, String label, Supplier<Task> loader) {}

  /**
   * The tasks this provider supplies.
   *
   * @return the task sources
   */
  List<TaskSource> tasks();
}
