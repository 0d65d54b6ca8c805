/** Example plugin: the custom_logger callback of mlr3torch's custom-callback vignette. */
module org.torchwork.examples.customlogger {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.examples.customlogger.CustomLoggerProvider;
}
