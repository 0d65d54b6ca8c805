package org.torchwork.engine.mxnet;

import org.torchwork.api.spi.DjlBackendProvider;

/**
 * Backend {@code mxnet}, DJL's MXNet engine, second choice of {@code engine=auto}. Runs offline:
 * the natives come from the jar on the class path, never from the network.
 */
public final class MxNetBackend extends DjlBackendProvider {
  /** Describes the backend; loads nothing. */
  public MxNetBackend() {
    super("mxnet", "MXNet", 20, "ai.djl.mxnet:mxnet-native-mkl:1.9.1 (classifier linux-x86_64)");
  }
}
