module org.torchwork.it.refusing {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.it.refusing.RefusingProvider;
}
