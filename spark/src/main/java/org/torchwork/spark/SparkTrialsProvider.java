package org.torchwork.spark;

import org.torchwork.runtime.Platform;
import org.torchwork.runtime.tune.TrialExecutor;
import org.torchwork.runtime.tune.TrialExecutorProvider;

/** Provides {@code spark}: {@code torchwork tune --spark MASTER}. */
public final class SparkTrialsProvider implements TrialExecutorProvider {
  @Override
  public String id() {
    return "spark";
  }

  @Override
  public TrialExecutor open(String address, Platform platform) {
    return new SparkTrials(address, platform);
  }
}
