package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;
import ai.djl.engine.Engine;
import java.util.Objects;
import org.torchwork.api.TorchworkException;

/**
 * A {@link BackendProvider} for one DJL engine whose natives come from jars on the class path.
 * Loads the engine offline ({@code ai.djl.offline=true} unless set otherwise), and turns a
 * native-library failure into one message naming the jars expected.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public abstract class DjlBackendProvider implements BackendProvider {
  private final String id;
  private final String engineName;
  private final int priority;
  private final String nativeArtifacts;

  /**
   * Describes the backend; loads nothing.
   *
   * @param id the backend's id, e.g. {@code "pytorch"}
   * @param engineName DJL's engine name, e.g. {@code "PyTorch"}
   * @param priority the order for {@code engine=auto}: lower first
   * @param nativeArtifacts the native jars it needs, for messages
   */
  protected DjlBackendProvider(String id, String engineName, int priority, String nativeArtifacts) {
    this.id = Objects.requireNonNull(id, "id");
    this.engineName = Objects.requireNonNull(engineName, "engineName");
    this.priority = priority;
    this.nativeArtifacts = Objects.requireNonNull(nativeArtifacts, "nativeArtifacts");
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final String engineName() {
    return engineName;
  }

  @Override
  public final int priority() {
    return priority;
  }

  @Override
  public final String nativeArtifacts() {
    return nativeArtifacts;
  }

  @Override
  public Engine engine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    try {
      return Engine.getEngine(engineName);
    } catch (RuntimeException | LinkageError e) {
      throw new TorchworkException(
          "The " + id + " backend's native libraries could not be loaded: " + causes(e) + ". It expects "
              + nativeArtifacts + " on the class path (bin/torchwork puts them there); for another platform or"
              + " a GPU, use the matching native jars (see the README).",
          e);
    }
  }

  private static String causes(Throwable e) {
    StringBuilder sb = new StringBuilder(e.toString());
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      sb.append(", caused by ").append(t);
    }
    return sb.toString();
  }
}
