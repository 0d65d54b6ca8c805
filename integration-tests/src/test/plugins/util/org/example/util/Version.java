package org.example.util;

public final class Version {
  public static String get() {
    return "@VERSION@";
  }
}
