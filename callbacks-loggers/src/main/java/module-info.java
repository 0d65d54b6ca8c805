/** Loggers: {@code csv_logger} (CSV files) and {@code tb} (TensorBoard event files). */
module org.torchwork.callbacks.loggers {
  requires org.torchwork.api;

  exports org.torchwork.callbacks.loggers;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.loggers.LoggersProvider;
}
