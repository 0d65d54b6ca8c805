package org.example.needsmissing;

import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

public final class Provider implements CallbackProvider {
  public static final class Needs extends CallbackSet {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.of("needs_" + org.example.missing.Helper.name(), Needs.class, Needs::new));
  }
}
