module org.torchwork.it.counted {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.it.counted.CountedProvider;
}
