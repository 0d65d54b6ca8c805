module org.example.utiluser {
  requires org.torchwork.api;
  requires org.example.util;

  provides org.torchwork.api.spi.CallbackProvider with org.example.utiluser.Provider;
}
