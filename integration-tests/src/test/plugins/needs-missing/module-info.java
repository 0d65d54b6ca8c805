module org.example.needsmissing {
  requires org.torchwork.api;
  requires org.example.missing;

  provides org.torchwork.api.spi.CallbackProvider with org.example.needsmissing.Provider;
}
