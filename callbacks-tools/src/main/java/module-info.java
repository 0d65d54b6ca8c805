/**
 * Callbacks beyond mlr3torch: {@code grad_clip}, {@code terminate_on_nan}, {@code timer},
 * {@code unfreeze}, and the weight averages {@code ema} and {@code swa}.
 */
module org.torchwork.callbacks.tools {
  requires org.torchwork.api;

  exports org.torchwork.callbacks.tools;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.tools.ToolsProvider;
}
