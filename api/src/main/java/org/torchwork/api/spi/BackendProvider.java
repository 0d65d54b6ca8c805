package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;

/**
 * A training backend: one DJL engine with its native libraries. Found with
 * {@link java.util.ServiceLoader}; the runtime never names an engine class.
 *
 * <p>The constructor, {@link #id()}, {@link #engineName()} and {@link #priority()} must not load
 * native code; {@link #engine()} does, on first use.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public interface BackendProvider {
  /**
   * The backend's id, as users select it ({@code engine=pytorch}).
   *
   * @return the id
   */
  String id();

  /**
   * The DJL engine name this backend uses.
   *
   * @return for example {@code "PyTorch"}
   */
  String engineName();

  /**
   * The order in which {@code engine=auto} tries backends: lower first.
   *
   * @return the priority
   */
  int priority();

  /**
   * The native artifacts this backend needs, for messages when they fail to load.
   *
   * @return for example {@code "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64"}
   */
  String nativeArtifacts();

  /**
   * Loads the engine and its native libraries, once.
   *
   * @return the DJL engine
   * @throws org.torchwork.api.TorchworkException when the natives cannot be loaded, naming the
   *     artifacts expected
   */
  Engine engine();

  /**
   * Starts recording operations for gradients on the calling thread, for one forward and backward
   * pass. Trainings may run in parallel threads of one process (a tuning's workers), so a backend
   * whose engine allows one collector per process overrides this with one per thread.
   *
   * @return the collector; the caller closes it
   * @since 0.2
   */
  default GradientCollector newGradientCollector() {
    return engine().newGradientCollector();
  }
}
