/** The {@code torchwork} command. */
module org.torchwork.cli {
  requires org.torchwork.runtime;
  requires org.torchwork.callbacks.history;
  requires org.torchwork.callbacks.lr;
  requires org.torchwork.testkit;
  requires info.picocli;
  requires org.snakeyaml.engine.v2;
  requires jdk.unsupported;
  requires com.google.gson;

  uses org.torchwork.runtime.tune.TrialExecutorProvider;

  opens org.torchwork.cli to info.picocli;
}
