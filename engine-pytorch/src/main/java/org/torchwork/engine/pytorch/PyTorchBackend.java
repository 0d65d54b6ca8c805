package org.torchwork.engine.pytorch;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.torchwork.api.spi.DjlBackendProvider;
import org.torchwork.api.spi.NetworkShape;

/**
 * Backend {@code pytorch}, DJL's PyTorch engine, first choice of {@code engine=auto}. Runs
 * offline: the natives come from the jars on the class path, never from the network.
 *
 * <p>On the CPU, the threads each PyTorch operation runs on follow the work, unless {@value
 * #THREADS_PROPERTY} is set before the engine starts (then that number, always):
 *
 * <ul>
 *   <li>networks on flat rows (tables) run on one thread fewer than the machine has cores, at least
 *       one. Their operations are small; on all cores the JVM's compiler and collector preempt the
 *       operations' threads, and every parallel operation waits for the slowest (on 2 cores, one
 *       thread trains an MLP faster than two);
 *   <li>networks on tensor rows (images, sequences) run on every core: a convolution's work
 *       dwarfs the JVM's (on 2 cores, two threads train a CNN 1.4x faster than one).
 * </ul>
 *
 * <p>The choice is made on the thread that trains or predicts ({@link #prepare}); it depends on
 * the network's shape only, so a run and its resumption compute alike.
 */
public final class PyTorchBackend extends DjlBackendProvider {
  /** DJL's system property for PyTorch's intra-op threads, read when the engine starts. */
  public static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

  /** Whether the threads were set before the engine started; null until it starts. */
  private static volatile Boolean userThreads;

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
    synchronized (PyTorchBackend.class) {
      if (userThreads == null) {
        userThreads = System.getProperty(THREADS_PROPERTY) != null;
        if (!userThreads) {
          System.setProperty(THREADS_PROPERTY, String.valueOf(defaultThreads(cores(), false)));
        }
      }
    }
    return super.engine();
  }

  /** Sets PyTorch's CPU threads for the calling thread from the rows' shape, unless the user chose them. */
  @Override
  public void prepare(NetworkShape shape, Device device) {
    engine();
    if (!userThreads && !device.isGpu()) {
      JniUtils.setNumThreads(defaultThreads(cores(), shape.tensors()));
    }
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * The intra-op threads a network runs on unless told otherwise.
   *
   * @param cores the cores the JVM may use
   * @param tensors whether the rows are tensors (images, sequences) rather than flat
   * @return every core for tensors; one fewer, at least one, for flat rows
   */
  static int defaultThreads(int cores, boolean tensors) {
    return tensors ? Math.max(1, cores) : Math.max(1, cores - 1);
  }

  /** One collector per thread, so that trainings in parallel threads overlap. */
  @Override
  public GradientCollector newGradientCollector() {
    engine();
    return new ThreadGradients();
  }
}
