package org.torchwork.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.torchwork.api.Measure;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.ParamSet;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;
import org.torchwork.data.CsvTable;

/**
 * The short names mlr3 users know, on a shared {@link Platform}: {@link #tsk(String)},
 * {@link #lrn(String, Object...)}, {@link #clbk(String, Object...)}, {@link #clbks(String...)},
 * {@link #msr(String)} and {@link #load(Path)}.
 *
 * <p>The shared platform discovers everything on the module path, plus the plugins directory
 * named by the system property {@code torchwork.plugins} or the environment variable
 * {@code TORCHWORK_PLUGINS}, if set. For another set-up, build a {@link Platform} and use its
 * methods instead.
 *
 * <pre>{@code
 * TorchLearner mlp = lrn("classif.mlp", "epochs", 5, "batch_size", 64, "neurons", 20)
 *     .callbacks(clbk("history"));
 * mlp.train(tsk("iris"));
 * }</pre>
 */
public final class Torchwork {
  private static volatile Platform shared;

  private Torchwork() {}

  /**
   * The shared platform, built on first use.
   *
   * @return the platform
   */
  public static Platform platform() {
    Platform p = shared;
    if (p == null) {
      synchronized (Torchwork.class) {
        p = shared;
        if (p == null) {
          Platform.Builder b = Platform.builder();
          String dir = System.getProperty("torchwork.plugins", System.getenv("TORCHWORK_PLUGINS"));
          if (dir != null && !dir.isBlank()) {
            b.pluginsDir(Path.of(dir));
          }
          p = b.build();
          shared = p;
        }
      }
    }
    return p;
  }

  /**
   * A built-in task by id.
   *
   * @param id for example {@code "iris"}
   * @return the task
   */
  public static Task tsk(String id) {
    return platform().task(id);
  }

  /**
   * A task from a CSV file: its separator detected, each column's type guessed (numbers, logical,
   * categorical; free text, ids and dates left out), missing values kept to be imputed. For roles
   * (id, weights, dropped columns), given types or another format, use {@link CsvTable}.
   *
   * @param csv the file
   * @param target the target column
   * @param type classification or regression
   * @return the task
   */
  public static Task tsk(Path csv, String target, TaskType type) {
    return CsvTable.of(csv).target(target).task(type);
  }

  /**
   * A task from a CSV file with the columns of another task, found by name in any order (extra
   * columns are ignored), and its classes: validation or test data for a task.
   *
   * @param csv the file
   * @param like the task whose features, target and classes the file must have
   * @return the task, its features in {@code like}'s order
   * @throws org.torchwork.api.TorchworkException naming a missing column, a class {@code like}
   *     does not have, or the line and column of a bad value
   */
  public static Task tsk(Path csv, Task like) {
    return CsvTable.of(csv).readLike(like);
  }

  /**
   * A new learner by id, with parameters.
   *
   * @param id for example {@code "classif.mlp"}
   * @param keyValues alternating parameter keys and values, e.g. {@code "epochs", 5}
   * @return the learner
   */
  public static TorchLearner lrn(String id, Object... keyValues) {
    TorchLearner learner = platform().learner(id);
    pairs(keyValues, learner::set);
    return learner;
  }

  /**
   * A learner of your own DJL network, as mlr3torch's {@code classif.module}: the network is built
   * for each run from the task's shape ({@link NetworkShape#dims()}: C x H x W for images, the
   * feature count for a table; {@link NetworkShape#outputs()}: one logit per class, or 1), and
   * trained by the shared loop with every callback, loss and learner parameter.
   *
   * <pre>{@code
   * TorchLearner mine = Torchwork.module("classif.tiny_cnn", shape -> new SequentialBlock()
   *     .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).build())
   *     .add(Activation::relu).add(Blocks.batchFlattenBlock())
   *     .add(Linear.builder().setUnits(shape.outputs()).build()), "epochs", 5, "batch_size", 64);
   * }</pre>
   *
   * @param id the learner's id, starting with its task type: {@code classif.} or {@code regr.}
   * @param network builds the (uninitialized) network for a task's shape
   * @param keyValues alternating parameter keys and values, e.g. {@code "epochs", 5}
   * @return the learner
   * @throws org.torchwork.api.TorchworkException when the id names no task type
   * @since 0.3
   */
  public static TorchLearner module(String id, java.util.function.Function<NetworkShape, ai.djl.nn.Block> network,
      Object... keyValues) {
    TaskType type = id.startsWith("classif.") ? TaskType.CLASSIF : id.startsWith("regr.") ? TaskType.REGR : null;
    if (type == null) {
      throw new org.torchwork.api.TorchworkException("Learner id '" + id + "' does not start with its task type. Name it"
          + " classif.<name> or regr.<name>, e.g. classif.my_cnn.");
    }
    TorchLearner learner = platform().learner(LearnerSpec.of(id, "Module", type, ParamSet.of(), (shape, params) -> network.apply(shape)));
    pairs(keyValues, learner::set);
    return learner;
  }

  /**
   * A callback descriptor by id, with parameter values.
   *
   * @param id for example {@code "history"}
   * @param keyValues alternating parameter ids and values
   * @return the descriptor
   */
  public static TorchCallback clbk(String id, Object... keyValues) {
    TorchCallback[] cb = {platform().callback(id)};
    pairs(keyValues, (k, v) -> cb[0] = cb[0].with(k, v));
    return cb[0];
  }

  /**
   * Several callback descriptors by id.
   *
   * @param ids the ids
   * @return the descriptors, in order
   */
  public static List<TorchCallback> clbks(String... ids) {
    List<TorchCallback> list = new ArrayList<>();
    for (String id : ids) {
      list.add(clbk(id));
    }
    return list;
  }

  /**
   * A measure by id.
   *
   * @param id for example {@code "classif.acc"}
   * @return the measure
   */
  public static Measure msr(String id) {
    return platform().measure(id);
  }

  /**
   * Loads a saved model ({@link TrainedModel#load(Path)}) on the shared platform.
   *
   * @param dir the model's folder
   * @return the model, on the engine it was trained on unless the system property or the
   *     environment names another
   */
  public static TrainedModel load(Path dir) {
    return TrainedModel.load(dir);
  }

  private static void pairs(Object[] keyValues, java.util.function.BiConsumer<String, Object> sink) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("Give parameters as key, value pairs; got " + keyValues.length + " arguments.");
    }
    for (int i = 0; i < keyValues.length; i += 2) {
      if (!(keyValues[i] instanceof String)) {
        throw new IllegalArgumentException("Parameter key " + keyValues[i] + " at position " + i + " is not a string.");
      }
      sink.accept((String) keyValues[i], keyValues[i + 1]);
    }
  }
}
