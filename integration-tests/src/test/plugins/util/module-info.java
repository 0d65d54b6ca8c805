module @MODULE@ {
  exports org.example.util;
}
