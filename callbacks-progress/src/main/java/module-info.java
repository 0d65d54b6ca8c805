/** Callback {@code progress}: a live progress display per epoch, plain lines when not on a terminal. */
module org.torchwork.callbacks.progress {
  requires org.torchwork.api;
  requires me.tongfei.progressbar;

  exports org.torchwork.callbacks.progress;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.progress.ProgressProvider;
}
