package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import java.util.Objects;
import org.torchwork.api.ParamSet;
import org.torchwork.api.TaskType;

/**
 * Describes a learner a {@link LearnerProvider} supplies: its id, task type, own parameters and
 * network. The runtime adds the parameters every learner has (epochs, batch_size, opt.lr, seed,
 * device, measures, validate, ...), and trains the network with the shared loop.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class LearnerSpec {
  private final String id;
  private final String label;
  private final TaskType taskType;
  private final ParamSet params;
  private final NetworkFactory network;
  private final Categories categories;

  /**
   * How a learner's network takes categorical features.
   *
   * @since 0.3
   */
  @ApiStatus(value = ApiStatus.Status.STABLE, since = "0.3")
  public enum Categories {
    /** One input per level, 1 for the row's level and 0 for the others (the default). */
    ONE_HOT,
    /** One input per categorical feature holding the level's index, for embeddings (see {@link NetworkShape}). */
    INDICES
  }

  private LearnerSpec(String id, String label, TaskType taskType, ParamSet params, NetworkFactory network) {
    this(id, label, taskType, params, network, Categories.ONE_HOT);
  }

  private LearnerSpec(String id, String label, TaskType taskType, ParamSet params, NetworkFactory network, Categories categories) {
    if (id == null || !id.startsWith(taskType.id() + ".")) {
      throw new IllegalArgumentException(
          "Learner id '" + id + "' must start with '" + taskType.id() + ".' for a " + taskType + " learner.");
    }
    this.id = id;
    this.label = Objects.requireNonNull(label, "label");
    this.taskType = taskType;
    this.params = Objects.requireNonNull(params, "params");
    this.network = Objects.requireNonNull(network, "network");
    this.categories = Objects.requireNonNull(categories, "categories");
  }

  /**
   * This learner, taking categorical features as its network wants them.
   *
   * @param how one-hot encoded, or as level indices for embeddings
   * @return a copy
   * @since 0.3
   */
  public LearnerSpec withCategories(Categories how) {
    return new LearnerSpec(id, label, taskType, params, network, how);
  }

  /**
   * How the learner's network takes categorical features.
   *
   * @return {@link Categories#ONE_HOT} unless set with {@link #withCategories}
   * @since 0.3
   */
  public Categories categories() {
    return categories;
  }

  /**
   * Describes a learner.
   *
   * @param id the id, starting with the task type: {@code classif.mlp}
   * @param label a short human-readable name
   * @param taskType the task type it trains on
   * @param params the learner's own parameters (network shape, activation, ...)
   * @param network builds the network
   * @return the description
   */
  public static LearnerSpec of(String id, String label, TaskType taskType, ParamSet params, NetworkFactory network) {
    return new LearnerSpec(id, label, taskType, params, network);
  }

  /**
   * The learner's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * A short human-readable name.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * The task type it trains on.
   *
   * @return the type
   */
  public TaskType taskType() {
    return taskType;
  }

  /**
   * The learner's own parameters.
   *
   * @return the parameters
   */
  public ParamSet params() {
    return params;
  }

  /**
   * Builds the learner's network.
   *
   * @return the factory
   */
  public NetworkFactory network() {
    return network;
  }
}
