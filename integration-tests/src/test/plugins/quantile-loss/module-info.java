module org.example.quantile {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.LossProvider with org.example.quantile.QuantileLoss;
}
