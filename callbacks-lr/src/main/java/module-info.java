/**
 * Learning-rate schedules, each a callback of its own: {@code lr_step}, {@code lr_exponential},
 * {@code lr_cosine_annealing}, {@code lr_one_cycle}, {@code lr_reduce_on_plateau} and
 * {@code lr_lambda}.
 */
module org.torchwork.callbacks.lr {
  requires org.torchwork.api;

  exports org.torchwork.callbacks.lr;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.lr.LrProvider;
}
