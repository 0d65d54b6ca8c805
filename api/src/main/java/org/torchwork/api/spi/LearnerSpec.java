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

  private LearnerSpec(String id, String label, TaskType taskType, ParamSet params, NetworkFactory network) {
    if (id == null || !id.startsWith(taskType.id() + ".")) {
      throw new IllegalArgumentException(
          "Learner id '" + id + "' must start with '" + taskType.id() + ".' for a " + taskType + " learner.");
    }
    this.id = id;
    this.label = Objects.requireNonNull(label, "label");
    this.taskType = taskType;
    this.params = Objects.requireNonNull(params, "params");
    this.network = Objects.requireNonNull(network, "network");
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
