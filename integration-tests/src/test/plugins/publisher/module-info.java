module org.torchwork.it.publisher {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.it.publisher.PublisherProvider;
}
