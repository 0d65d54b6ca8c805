module org.example.throwing {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with org.example.throwing.Provider;
}
