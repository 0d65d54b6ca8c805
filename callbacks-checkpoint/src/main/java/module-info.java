/** Callback {@code checkpoint}: saves everything a run needs to resume, atomically. */
module org.torchwork.callbacks.checkpoint {
  requires org.torchwork.api;

  exports org.torchwork.callbacks.checkpoint;

  provides org.torchwork.api.spi.CallbackProvider with
      org.torchwork.callbacks.checkpoint.CheckpointProvider;
}
