module org.example.missing {
  exports org.example.missing;
}
