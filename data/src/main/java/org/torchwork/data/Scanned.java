package org.torchwork.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.internal.TaskAccess;

/**
 * What a reader found besides the features it gave its {@link RowSink}: the task's id, type,
 * target, names and classes, each row's target, the rows' shape and the source.
 *
 * @param id the task's id
 * @param type the task type; null when the rows have no target
 * @param target the target's name; null when none
 * @param features the feature names
 * @param classes the classes, for classification
 * @param y each row's target: class index or value; NaN when none
 * @param shape the shape of a row; null for flat rows
 * @param source the file or folder read
 * @param settings how it was read
 */
record Scanned(String id, TaskType type, String target, List<String> features, List<String> classes, float[] y, int[] shape,
    Path source, Map<String, String> settings) {

  /** The task over rows held in memory. */
  Task task(float[] x) {
    return finish(TaskAccess.adopt(id, type, target, features, classes, x, y, y.length));
  }

  /** The task over rows read from a source as they are needed. */
  Task task(RowSource rows) {
    Task t;
    if (type == null) {
      t = Task.unlabeled(id, features, rows);
    } else if (type == TaskType.CLASSIF) {
      int[] codes = new int[y.length];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = (int) y[i];
      }
      t = Task.classif(id, target, features, classes, rows, codes);
    } else {
      t = Task.regr(id, target, features, rows, y);
    }
    return finish(t);
  }

  private Task finish(Task t) {
    Task shaped = shape == null ? t : t.withRowShape(shape);
    return shaped.withSource(source, settings);
  }
}
