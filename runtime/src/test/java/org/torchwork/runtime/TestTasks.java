package org.torchwork.runtime;

import java.nio.charset.StandardCharsets;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.data.CsvTable;

/** Small tasks the runtime's tests share. */
public final class TestTasks {
  private TestTasks() {}

  /**
   * A small regression task: y = 2 * x1 - x2 + 0.5 on 40 rows.
   *
   * @return the task
   */
  public static Task regressionTask() {
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 40; i++) {
      double a = i / 10.0;
      double b = (i % 7) / 3.0;
      csv.append(a).append(',').append(b).append(',').append(2 * a - b + 0.5).append('\n');
    }
    return CsvTable.of("t.csv", csv.toString().getBytes(StandardCharsets.UTF_8)).target("y").task(TaskType.REGR);
  }
}
