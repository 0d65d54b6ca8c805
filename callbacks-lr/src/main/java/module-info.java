/**
 * Learning-rate schedules, each a callback of its own: {@code lr_step}, {@code lr_exponential},
 * {@code lr_cosine_annealing}, {@code lr_cosine_warm_restarts}, {@code lr_cyclic},
 * {@code lr_polynomial}, {@code lr_multiplicative}, {@code lr_one_cycle}, {@code lr_warmup},
 * {@code lr_reduce_on_plateau}, {@code lr_lambda}, and the range test {@code lr_finder}.
 */
module org.torchwork.callbacks.lr {
  requires org.torchwork.api;
  requires org.torchwork.callbacks.history;
  requires org.jfree.jfreechart;

  exports org.torchwork.callbacks.lr;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.lr.LrProvider;
}
