package org.torchwork.runtime.tune;

import org.torchwork.runtime.Platform;

/**
 * Makes trial executors that run elsewhere than in this process's threads, found with
 * {@link java.util.ServiceLoader}: module {@code torchwork-spark} provides {@code spark}, which
 * {@code torchwork tune --spark MASTER} uses.
 */
public interface TrialExecutorProvider {
  /**
   * The provider's id.
   *
   * @return e.g. {@code spark}
   */
  String id();

  /**
   * Connects to where the trials run.
   *
   * @param address where, e.g. a Spark master URL such as {@code local[2]} or {@code spark://host:7077}
   * @param platform this process's platform (its plugins directory is the one the trials use)
   * @return the executor; the caller closes it
   */
  TrialExecutor open(String address, Platform platform);
}
