module org.torchwork.it.recorder {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.it.recorder.RecorderProvider;
}
