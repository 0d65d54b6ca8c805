module org.example.duphistory {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with org.example.duphistory.Provider;
}
