package org.torchwork.callbacks.history;

import java.util.List;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides callback {@code history}. */
public final class HistoryProvider implements CallbackProvider {
  /** The descriptor of callback {@code history}. */
  public static final TorchCallback HISTORY =
      TorchCallback.builder("history", History.class)
          .label("History")
          .description("Per-epoch table of the train loss and every train and validation score.")
          .build(p -> new History());

  /** Creates the provider. */
  public HistoryProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(HISTORY);
  }
}
