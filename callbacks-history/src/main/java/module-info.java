/**
 * Callback {@code history}: a per-epoch table of the train loss and every train and validation
 * score, and its learning curves as PNG or SVG ({@link org.torchwork.callbacks.history.Curves}).
 */
module org.torchwork.callbacks.history {
  requires org.torchwork.api;
  requires java.desktop;
  requires org.jfree.jfreechart;
  requires org.jfree.svg;

  exports org.torchwork.callbacks.history;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.history.HistoryProvider;
}
