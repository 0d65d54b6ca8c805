package org.example.throwing;

import java.util.List;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

public final class Provider implements CallbackProvider {
  public Provider() {
    throw new IllegalStateException("cannot start: no licence key");
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of();
  }
}
