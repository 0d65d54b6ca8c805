package org.torchwork.engine.pytorch;

import ai.djl.engine.Engine;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.BackendProvider;

/**
 * Backend {@code pytorch}, DJL's PyTorch engine. Runs offline: the natives come from the jars
 * on the class path, never from the network.
 */
public final class PyTorchBackend implements BackendProvider {
  private static final String NATIVES =
      "ai.djl.pytorch:pytorch-native-cpu:2.7.1 (classifier linux-x86_64) and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0";

  /** Creates the provider; loads nothing. */
  public PyTorchBackend() {}

  @Override
  public String id() {
    return "pytorch";
  }

  @Override
  public String engineName() {
    return "PyTorch";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public String nativeArtifacts() {
    return NATIVES;
  }

  @Override
  public Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    try {
      return Engine.getEngine(engineName());
    } catch (RuntimeException | UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      throw new TorchworkException(
          "The pytorch backend's native libraries could not be loaded: " + rootMessage(e) + ". It expects " + NATIVES
              + " on the class path (bin/torchwork puts them there); on another platform or for a GPU, use the"
              + " matching native jar (see the README).",
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e) : e + " (caused by " + t + ")";
  }
}
