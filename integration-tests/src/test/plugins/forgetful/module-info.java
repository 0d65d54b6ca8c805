module org.torchwork.it.forgetful {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.it.forgetful.ForgetfulProvider;
}
