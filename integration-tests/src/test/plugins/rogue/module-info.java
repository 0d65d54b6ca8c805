module org.example.rogue {
  requires org.torchwork.api;

  exports org.example.rogue;

  provides org.torchwork.api.spi.CallbackProvider with
      org.example.rogue.RogueProvider;
}
