package org.torchwork.engine.pytorch;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;
import org.torchwork.api.spi.DjlBackendProvider;

/**
 * Backend {@code pytorch}, DJL's PyTorch engine, first choice of {@code engine=auto}. Runs
 * offline: the natives come from the jars on the class path, never from the network.
 *
 * <p>PyTorch runs each operation on one thread per core by default, which leaves none for the
 * JVM: its compiler and collector then preempt the operations' threads, and every parallel
 * operation waits for the slowest. On the CPU the engine is therefore started with one thread
 * fewer than the machine has cores (at least one), unless {@value #THREADS_PROPERTY} is set.
 */
public final class PyTorchBackend extends DjlBackendProvider {
  /** DJL's system property for PyTorch's intra-op threads, read when the engine starts. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  /** Describes the backend; loads nothing. */
  public PyTorchBackend() {
    super(
        "pytorch",
        "PyTorch",
        10,
        "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0");
  }

  @Override
  public Engine engine() {
    if (System.getProperty(THREADS_PROPERTY) == null) {
      System.setProperty(THREADS_PROPERTY, String.valueOf(defaultThreads(Runtime.getRuntime().availableProcessors())));
    }
    return super.engine();
  }

  /**
   * The intra-op threads the engine starts with unless told otherwise.
   *
   * @param cores the cores the JVM may use
   * @return one fewer, at least one
   */
  static int defaultThreads(int cores) {
    return Math.max(1, cores - 1);
  }

  /** One collector per thread, so that trainings in parallel threads overlap. */
  @Override
  public GradientCollector newGradientCollector() {
    engine();
    return new ThreadGradients();
  }
}
