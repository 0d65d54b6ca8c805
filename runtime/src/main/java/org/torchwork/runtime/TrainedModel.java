package org.torchwork.runtime;

import ai.djl.Device;
import ai.djl.Model;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.TaskType;

/**
 * What training produced: the network, each callback's state by id, and how the run was set up
 * (the {@code learner$model} of mlr3torch).
 *
 * <p>It holds native memory through the DJL model; close it (or its learner) when done.
 */
public final class TrainedModel implements AutoCloseable {
  private final Model network;
  private final Map<String, Object> callbacks;
  private final TaskType taskType;
  private final List<String> features;
  private final List<String> classes;
  private final String backend;
  private final Device device;
  private final String backendChoice;
  private final int seed;
  private final int epochs;

  TrainedModel(
      Model network,
      Map<String, Object> callbacks,
      TaskType taskType,
      List<String> features,
      List<String> classes,
      BackendChoice choice,
      int seed,
      int epochs) {
    this.network = network;
    this.callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(callbacks));
    this.taskType = taskType;
    this.features = List.copyOf(features);
    this.classes = List.copyOf(classes);
    this.backend = choice.backend().id();
    this.device = choice.device();
    this.backendChoice = choice.describe();
    this.seed = seed;
    this.epochs = epochs;
  }

  /**
   * Each callback's {@code stateDict()} by callback id, as it was after {@code on_end} (as in
   * mlr3torch, states are collected before {@code on_exit}); callbacks whose state was
   * {@code null} are absent.
   *
   * @return an unmodifiable map, in the order the callbacks ran
   */
  public Map<String, Object> callbacks() {
    return callbacks;
  }

  /**
   * The trained DJL model.
   *
   * @return the model
   */
  public Model network() {
    return network;
  }

  /**
   * The task type trained on.
   *
   * @return the type
   */
  public TaskType taskType() {
    return taskType;
  }

  /**
   * The features the network expects, in order.
   *
   * @return the feature names
   */
  public List<String> features() {
    return features;
  }

  /**
   * The class labels, in output order; empty for regression.
   *
   * @return the classes
   */
  public List<String> classes() {
    return classes;
  }

  /**
   * The backend trained on.
   *
   * @return for example {@code "pytorch"}
   */
  public String backend() {
    return backend;
  }

  /**
   * The device trained on.
   *
   * @return the device
   */
  public Device device() {
    return device;
  }

  /**
   * The engine and device chosen, and which setting chose them.
   *
   * @return one line, as {@link BackendChoice#describe()}
   */
  public String backendChoice() {
    return backendChoice;
  }

  /**
   * The random seed the run used (the {@code seed} parameter, or the one drawn when unset).
   *
   * @return the seed
   */
  public int seed() {
    return seed;
  }

  /**
   * The number of epochs that ran (fewer than asked when a callback terminated the run).
   *
   * @return the epochs
   */
  public int epochs() {
    return epochs;
  }

  @Override
  public void close() {
    network.close();
  }
}
