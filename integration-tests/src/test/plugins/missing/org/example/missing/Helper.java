package org.example.missing;

public final class Helper {
  public static String name() {
    return "helper";
  }
}
