/** The {@code torchwork} command. */
module org.torchwork.cli {
  requires org.torchwork.runtime;
  requires info.picocli;

  opens org.torchwork.cli to info.picocli;
}
