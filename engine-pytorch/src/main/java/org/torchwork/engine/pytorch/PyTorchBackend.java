package org.torchwork.engine.pytorch;

import org.torchwork.api.spi.DjlBackendProvider;

/**
 * Backend {@code pytorch}, DJL's PyTorch engine, first choice of {@code engine=auto}. Runs
 * offline: the natives come from the jars on the class path, never from the network.
 */
public final class PyTorchBackend extends DjlBackendProvider {
  /** Describes the backend; loads nothing. */
  public PyTorchBackend() {
    super(
        "pytorch",
        "PyTorch",
        10,
        "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0");
  }
}
