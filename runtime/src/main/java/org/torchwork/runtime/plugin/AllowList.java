package org.torchwork.runtime.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.torchwork.api.TorchworkException;

/** Plugins by SHA-256: the allow-list file, and the SHA-256 of a plugin folder. */
final class AllowList {
  private AllowList() {}

  /** A folder's SHA-256: of its jars' SHA-256s and names, as {@code sha256sum *.jar} lists them. */
  static String listingSha(List<PrivateCopies.Copy> copies) {
    StringBuilder listing = new StringBuilder();
    for (PrivateCopies.Copy c : copies) {
      listing.append(c.sha256()).append("  ").append(c.original().getFileName()).append('\n');
    }
    return digest(listing.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /**
   * Reads an allow-list: lines of {@code <SHA-256>  <name>}, as {@code sha256sum} prints them;
   * blank lines and {@code #} comments are skipped.
   *
   * @param file the allow-list
   * @return the names by lower-case SHA-256
   * @throws TorchworkException naming the line that is not a SHA-256, or the file that cannot be read
   */
  static Map<String, String> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TorchworkException("Plugin allow-list " + file + " cannot be read (" + e.getMessage() + "). Give an existing"
          + " file of 'SHA256  name' lines, as sha256sum prints them.");
    }
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      if (!parts[0].matches("[0-9a-fA-F]{64}")) {
        throw new TorchworkException("Plugin allow-list " + file + " line " + (i + 1) + ": '" + parts[0] + "' is not a SHA-256."
            + " Each line is '<64 hex digits>  <jar name>', as 'sha256sum *.jar' prints it.");
      }
      map.put(parts[0].toLowerCase(java.util.Locale.ROOT), parts.length > 1 ? parts[1] : "");
    }
    return map;
  }
}
