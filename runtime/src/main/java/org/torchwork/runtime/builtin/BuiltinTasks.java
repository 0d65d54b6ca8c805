package org.torchwork.runtime.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.spi.TaskProvider;
import org.torchwork.data.CsvTable;

/** The built-in tasks: {@code iris}. */
public final class BuiltinTasks implements TaskProvider {

  /** Creates the provider; cheap, the data is read when a task is asked for. */
  public BuiltinTasks() {}

  @Override
  public List<TaskSource> tasks() {
    return List.of(new TaskSource("iris", "Fisher's Iris data: 150 flowers, 4 measurements, 3 species", BuiltinTasks::iris));
  }

  private static Task iris() {
    try (InputStream in = BuiltinTasks.class.getResourceAsStream("iris.csv")) {
      if (in == null) {
        throw new IllegalStateException("iris.csv is missing from the runtime jar; rebuild it.");
      }
      return CsvTable.of("iris.csv", in.readAllBytes()).target("Species").task(TaskType.CLASSIF);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
