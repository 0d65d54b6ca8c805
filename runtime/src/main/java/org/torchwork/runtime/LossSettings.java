package org.torchwork.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.Names;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.data.TrainingData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A learner's loss settings: the {@code loss} it trains with, checked against its task type; the
 * losses' parameters, set as {@code loss.<param>}; and {@code class_weight}, which weighs the
 * training rows by their class.
 */
final class LossSettings {
  private static final Logger LOG = LoggerFactory.getLogger(LossSettings.class);
  static final String PREFIX = "loss.";

  private LossSettings() {}

  /** Whether a learner parameter is about the loss: {@code loss}, {@code loss.<param>} or {@code class_weight}. */
  static boolean isLossKey(String key) {
    return key.equals("loss") || key.startsWith(PREFIX) || key.equals("class_weight");
  }

  /**
   * The loss a learner trains with.
   *
   * @throws TorchworkException for an unknown id (listing the losses and the nearest id) or a loss
   *     of another task type (listing those of the learner's)
   */
  static TorchLoss loss(Platform platform, LearnerSpec spec, String id) {
    TorchLoss loss = platform.losses().get(id);
    if (!loss.appliesTo(spec.taskType())) {
      throw new TorchworkException("Parameter 'loss': loss '" + id + "' is for " + types(loss) + " tasks, but learner '" + spec.id()
          + "' is a " + spec.taskType() + " learner. Use a loss for " + spec.taskType() + " tasks: "
          + Names.list(ids(platform, spec.taskType())) + ".");
    }
    return loss;
  }

  /** The ids of the losses for a task type, sorted. */
  static List<String> ids(Platform platform, TaskType type) {
    return all(platform).stream().filter(l -> l.appliesTo(type)).map(TorchLoss::id).toList();
  }

  /**
   * The parameters of the losses for a task type, each as {@code loss.<param>}. A parameter two
   * losses declare is listed as the first of them (by id) declares it.
   */
  static ParamSet params(Platform platform, TaskType type) {
    Map<String, Param> params = new LinkedHashMap<>();
    for (TorchLoss loss : all(platform)) {
      if (loss.appliesTo(type)) {
        loss.paramSet().params().forEach(p -> params.putIfAbsent(p.id(), p.withId(PREFIX + p.id())));
      }
    }
    return ParamSet.of(params.values());
  }

  /**
   * A {@code loss.<param>} value as it is set: converted by the parameter of the loss in use when
   * it has one, else by the loss that declares it (each value is checked again for the loss a run
   * uses).
   *
   * @param used the id of the loss the learner is set to now
   * @throws TorchworkException when no loss has the parameter, or the value is not allowed
   */
  static Object convert(Platform platform, String used, String param, Object value) {
    List<TorchLoss> declaring = declaring(platform, param);
    if (declaring.isEmpty()) {
      throw unknown(platform, param);
    }
    TorchLoss by = declaring.stream().filter(l -> l.id().equals(used)).findFirst().orElse(declaring.get(0));
    return by.paramSet().find(param).orElseThrow().convert(value, PREFIX + param);
  }

  /**
   * Checks that every {@code loss.<param>} set is a parameter of the loss in use.
   *
   * @throws TorchworkException naming the loss the first other one belongs to
   */
  static void checkBelong(Platform platform, LearnerSpec spec, TorchLoss used, Map<String, Object> lossValues) {
    for (String param : lossValues.keySet()) {
      if (used.paramSet().find(param).isPresent()) {
        continue;
      }
      List<TorchLoss> declaring = declaring(platform, param);
      if (declaring.isEmpty()) {
        throw unknown(platform, param);
      }
      String owners = declaring.stream().map(l -> "'" + l.id() + "'").collect(Collectors.joining(", "));
      List<String> fitting = declaring.stream().filter(l -> l.appliesTo(spec.taskType())).map(TorchLoss::id).toList();
      String owner = (declaring.size() == 1 ? "loss " : "losses ") + owners;
      if (fitting.isEmpty()) {
        throw new TorchworkException("Parameter '" + PREFIX + param + "' is a parameter of " + owner + ", for "
            + types(declaring.get(0)) + " tasks, but learner '" + spec.id() + "' is a " + spec.taskType() + " learner training"
            + " with loss '" + used.id() + "'. Remove " + PREFIX + param + ".");
      }
      throw new TorchworkException("Parameter '" + PREFIX + param + "' is a parameter of " + owner + ", but learner '" + spec.id()
          + "' trains with loss '" + used.id() + "'" + (used.paramSet().isEmpty() ? ", which takes no parameters"
          : ", whose parameters are " + Names.list(used.paramSet().ids().stream().map(p -> PREFIX + p).toList())) + ". Set loss="
          + fitting.get(0) + (fitting.size() > 1 ? " (or " + String.join(", ", fitting.subList(1, fitting.size())) + ")" : "")
          + " to use it, or remove " + PREFIX + param + ".");
    }
  }

  /** The values of the loss's parameters among a learner's checked values, without the prefix. */
  static ParamValues values(TorchLoss loss, ParamValues learner) {
    Map<String, Object> own = new LinkedHashMap<>();
    learner.asMap().forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        own.put(k.substring(PREFIX.length()), v);
      }
    });
    return loss.resolve(own);
  }

  private static TorchworkException unknown(Platform platform, String param) {
    Map<String, String> known = new LinkedHashMap<>();
    for (TorchLoss loss : all(platform)) {
      loss.paramSet().ids().forEach(id -> known.merge(PREFIX + id, loss.id(), (a, b) -> a + ", " + b));
    }
    String list = known.isEmpty() ? "(none)" : known.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
        .collect(Collectors.joining(", "));
    return new TorchworkException("Unknown parameter '" + PREFIX + param + "': no loss has a parameter '" + param + "'."
        + Names.didYouMean(PREFIX + param, known.keySet()) + " Loss parameters: " + list + ".");
  }

  /** The losses that declare a parameter, by id. */
  private static List<TorchLoss> declaring(Platform platform, String param) {
    return all(platform).stream().filter(l -> l.paramSet().find(param).isPresent()).toList();
  }

  /** Every loss that can be used, by id; one whose plugin cannot be loaded, or whose id is provided twice, is left out. */
  private static List<TorchLoss> all(Platform platform) {
    List<TorchLoss> out = new ArrayList<>();
    for (String id : platform.losses().ids()) {
      try {
        platform.losses().find(id).ifPresent(out::add);
      } catch (TorchworkException e) {
        LOG.debug("Loss '{}' is left out of the loss parameters: {}", id, e.getMessage());
      }
    }
    return out;
  }

  private static String types(TorchLoss loss) {
    return loss.taskTypes().stream().map(TaskType::id).collect(Collectors.joining(" and "));
  }

  /**
   * Checks a {@code class_weight} value as it is set: {@code balanced}, or class:weight pairs with
   * finite weights of 0 or more, each class once; for classification learners only.
   *
   * @return the value, trimmed
   */
  static String checkClassWeight(LearnerSpec spec, String value) {
    if (spec.taskType() != TaskType.CLASSIF) {
      throw new TorchworkException("Parameter 'class_weight' is for classification: it weighs each row by its class, and learner '"
          + spec.id() + "' is a " + spec.taskType() + " learner, whose rows have no class. Remove class_weight; to weigh"
          + " regression rows, give the task row weights (Task.withWeights).");
    }
    String text = value.trim();
    if (!text.equals("balanced")) {
      pairs(text);
    }
    return text;
  }

  /** The class:weight pairs of a class_weight value, in the order given. */
  private static Map<String, Double> pairs(String text) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String item : text.split(",", -1)) {
      int colon = item.lastIndexOf(':');
      String name = colon < 0 ? "" : item.substring(0, colon).trim();
      if (name.isEmpty()) {
        throw new TorchworkException("Parameter 'class_weight': '" + item.trim() + "' is not a class and its weight. Give balanced,"
            + " or class:weight pairs separated by commas, e.g. class_weight=setosa:2,virginica:0.5.");
      }
      String number = item.substring(colon + 1).trim();
      double w;
      try {
        w = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        w = Double.NaN;
      }
      if (!Double.isFinite(w) || w < 0 || (float) w == Float.POSITIVE_INFINITY) {
        throw new TorchworkException("Parameter 'class_weight': class '" + name + "' has weight '" + number + "'. A class's weight"
            + " is a finite number, 0 or more, e.g. " + name + ":2.");
      }
      if (weights.put(name, w) != null) {
        throw new TorchworkException("Parameter 'class_weight' gives class '" + name + "' a weight twice. Give each class once.");
      }
    }
    return weights;
  }

  /**
   * The run's rows with the training rows' classes' weights multiplied into their own
   * ({@code class_weight}); as they are when it is not set. Balanced weights are counted on the
   * training rows, weighted by their own weights. The validation rows keep their own weights: the
   * loss, which the weights are for, is computed on the training rows alone.
   *
   * @throws TorchworkException for a class the task does not have, or weights that leave every
   *     training row at 0
   */
  static TrainingData weigh(TrainingData data, ParamValues p) {
    Optional<Object> setting = p.find("class_weight");
    if (setting.isEmpty()) {
      return data;
    }
    String text = setting.get().toString();
    Task train = data.train();
    List<String> classes = train.classes();
    double[] byClass = new double[classes.size()];
    if (text.equals("balanced")) {
      double[] counts = new double[classes.size()];
      double total = 0;
      for (int i = 0; i < train.nrow(); i++) {
        counts[(int) train.target(i)] += train.weight(i);
        total += train.weight(i);
      }
      long present = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
      for (int c = 0; c < byClass.length; c++) {
        // As scikit-learn: rows / (classes * rows of the class); a class without training rows weighs 1.
        byClass[c] = counts[c] > 0 ? total / (present * counts[c]) : 1;
      }
    } else {
      java.util.Arrays.fill(byClass, 1);
      pairs(text).forEach((name, w) -> {
        int c = classes.indexOf(name);
        if (c < 0) {
          throw new TorchworkException("Parameter 'class_weight' names class '" + name + "', which task '" + train.id()
              + "' does not have." + Names.didYouMean(name, classes) + " Its classes: " + Names.list(classes) + ".");
        }
        byClass[c] = w;
      });
    }
    List<String> shown = new ArrayList<>();
    for (int c = 0; c < byClass.length; c++) {
      shown.add(classes.get(c) + " " + Param.format(byClass[c]));
    }
    LOG.info("class_weight={}: {}", text, String.join(", ", shown));
    Task weighted = weighed(train, byClass);
    if (weighted == null) {
      throw new TorchworkException("class_weight=" + text + " leaves every training row of task '" + train.id() + "' with weight 0,"
          + " so there is nothing to learn from. Give a class with training rows a weight above 0.");
    }
    return new TrainingData(weighted, data.valid(), data.standardization(), data.preprocessing(), data.unseen());
  }

  /** A task with each row's weight times its class's; null when every row would weigh 0. */
  private static Task weighed(Task task, double[] byClass) {
    float[] w = new float[task.nrow()];
    boolean any = false;
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (task.weight(i) * byClass[(int) task.target(i)]);
      any |= w[i] > 0;
    }
    return any ? task.withWeights(w) : null;
  }
}
