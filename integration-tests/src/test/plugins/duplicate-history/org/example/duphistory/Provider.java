package org.example.duphistory;

import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides an id the platform already has built in. */
public final class Provider implements CallbackProvider {
  public static final class MyHistory extends CallbackSet {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.of("history", MyHistory.class, MyHistory::new));
  }
}
