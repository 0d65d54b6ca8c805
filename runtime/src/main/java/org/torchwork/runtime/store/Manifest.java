package org.torchwork.runtime.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A bundle's manifest, {@code manifest.json}: the bundle's kind and layout version, and each
 * entry's size and SHA-256. Parsing checks every field (names that could not be entries, sizes
 * out of range, hashes that are not 64 hex digits) before anything is read by it.
 */
record Manifest(String kind, int version, List<Listed> entries) {
  record Listed(String name, long size, String sha256) {
    /** The entry's bytes, read no further than its size, once they match its size and SHA-256. */
    byte[] verified(InputStream in, String what, Path bundle, String fix) throws IOException {
      MessageDigest digest = Bundle.sha256();
      byte[] bytes = Bundle.readBounded(in, size, what, bundle, name, fix);
      if (bytes.length != size) {
        throw Bundle.refuse(what, bundle, name + " has " + bytes.length + " bytes but " + Bundle.MANIFEST + " says " + size
            + ": it was cut short or changed after it was written", fix);
      }
      String actual = HexFormat.of().formatHex(digest.digest(bytes));
      if (!actual.equals(sha256)) {
        throw Bundle.refuse(what, bundle, name + " does not match its SHA-256 in " + Bundle.MANIFEST + " (it is " + actual.substring(0, 12)
            + "..., the manifest says " + sha256.substring(0, 12) + "...): it was changed after it was written", fix);
      }
      return bytes;
    }
  }

  /** Every listed entry is present, and nothing else. */
  void checkListing(TreeSet<String> present, String what, Path bundle, String fix) {
    present.remove(Bundle.MANIFEST);
    for (Listed listed : entries) {
      if (!present.remove(listed.name())) {
        throw Bundle.refuse(what, bundle, listed.name() + " is listed in " + Bundle.MANIFEST + " but missing", fix);
      }
    }
    if (!present.isEmpty()) {
      throw Bundle.refuse(what, bundle, present.first() + " is not listed in " + Bundle.MANIFEST + ", so Torchwork did not write it"
          + " there (remove it if you put it there yourself)", fix);
    }
  }

  /** The manifest of a bundle of a kind, listing entries as {@code {name: {size, sha256}}}. */
  static byte[] bytes(String kind, int version, JsonObject entries) {
    JsonObject m = new JsonObject();
    m.addProperty("format", kind);
    m.addProperty("version", version);
    m.add("entries", entries);
    return Json.pretty(m).getBytes(StandardCharsets.UTF_8);
  }

  static Manifest parse(byte[] bytes, String kind, String what, Path bundle, String fix) {
    JsonObject m;
    try {
      JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " is not a JSON object", fix);
      }
      m = e.getAsJsonObject();
    } catch (JsonParseException | StackOverflowError e) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " is not valid JSON (" + e.getMessage() + ")", fix);
    }
    String format = string(m, "format", what, bundle, fix);
    if (!format.equals(kind)) {
      throw Bundle.refuse(what, bundle, "it holds a " + format + ", not a " + kind, fix);
    }
    long version = number(m, "version", what, bundle, fix);
    JsonElement listed = m.get("entries");
    if (listed == null || !listed.isJsonObject()) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " has no \"entries\" object", fix);
    }
    List<Listed> entries = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : listed.getAsJsonObject().entrySet()) {
      String name = e.getKey();
      if (!Bundle.ENTRY_NAME.matcher(name).matches() || name.equals(Bundle.MANIFEST)) {
        throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " lists an entry named '" + name + "', which no " + kind + " has", fix);
      }
      if (!e.getValue().isJsonObject()) {
        throw Bundle.refuse(what, bundle, Bundle.MANIFEST + ": entry " + name + " is not an object with size and sha256", fix);
      }
      JsonObject o = e.getValue().getAsJsonObject();
      long size = number(o, "size", what, bundle, fix);
      if (size < 0 || size > Bundle.MAX_ENTRY_BYTES) {
        throw Bundle.refuse(what, bundle, Bundle.MANIFEST + ": entry " + name + " has size " + size + ", outside 0 to " + Bundle.MAX_ENTRY_BYTES, fix);
      }
      String sha = string(o, "sha256", what, bundle, fix);
      if (!sha.matches("[0-9a-f]{64}")) {
        throw Bundle.refuse(what, bundle, Bundle.MANIFEST + ": entry " + name + " has sha256 '" + sha + "', which is not 64 hex digits", fix);
      }
      entries.add(new Listed(name, size, sha));
    }
    if (entries.size() > Bundle.MAX_ENTRIES) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " lists " + entries.size() + " entries, more than any " + kind + " has", fix);
    }
    return new Manifest(format, (int) version, entries);
  }

  private static String string(JsonObject o, String field, String what, Path bundle, String fix) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " has no string field \"" + field + "\"", fix);
    }
    return e.getAsString();
  }

  private static long number(JsonObject o, String field, String what, Path bundle, String fix) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + " has no number field \"" + field + "\"", fix);
    }
    try {
      return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    } catch (ArithmeticException | NumberFormatException x) {
      throw Bundle.refuse(what, bundle, Bundle.MANIFEST + ": \"" + field + "\" is " + e + ", not a whole number", fix);
    }
  }
}
