/** Callback {@code history}: a per-epoch table of the train loss and every train and validation score. */
module org.torchwork.callbacks.history {
  requires org.torchwork.api;

  exports org.torchwork.callbacks.history;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.history.HistoryProvider;
}
