package org.torchwork.runtime.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchwork.runtime.store.AtomicFiles;

/**
 * What each plugin provided when it last loaded in full, by the SHA-256 of its bytes and the
 * Torchwork version: with it, a later start knows a plugin's ids without defining its module layer,
 * and defines the layer only when one of those ids is used. The index is only a hint: a plugin is
 * always checked in full (scan, api version, packages, providers) before any of its code runs, and
 * an id it no longer provides is an error when it is used.
 *
 * <p>An index file that other users could write, or that cannot be read or written, is not used;
 * plugins then load in full at every start, as they would without it.
 */
final class PluginIndex {
  private static final Logger LOG = LoggerFactory.getLogger(PluginIndex.class);
  private static final String VERSION = "torchwork";
  private static final String SEPARATOR = "\u001f";
  /** A kind of id and the id, as {@code callback:history}. */
  private static final String ID = "(callback|learner|backend|task|measure|loss):[^:\\s]+";

  /** What a plugin provided when it last loaded. */
  record Known(String version, String api, List<String> modules, List<String> ids, List<String> warnings) {}

  private final Path file;
  private final String torchwork;
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private volatile boolean changed;

  private PluginIndex(Path file, String torchwork) {
    this.file = file;
    this.torchwork = torchwork;
  }

  /**
   * Opens an index file, or none.
   *
   * @param file the file, or null for no index
   * @param torchwork the version of Torchwork running: entries of another version are not used
   * @param trust checks that only this user (or root) can write the file and the folders above it
   * @return the index, empty when the file is missing, unreadable or not safe
   */
  static PluginIndex open(Path file, String torchwork, Trust trust) {
    PluginIndex index = new PluginIndex(file, torchwork);
    if (file == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return index;
    }
    Path absolute = file.toAbsolutePath();
    Optional<String> problem = Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS)
        ? trust.problem(absolute, false).or(() -> trust.parents(absolute))
        : Optional.of(absolute + " is not a regular file");
    if (problem.isPresent()) {
      LOG.debug("Plugin index {} is not used: {}", file, problem.get());
      return new PluginIndex(null, torchwork);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(absolute, LinkOption.NOFOLLOW_LINKS)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("Plugin index {} cannot be read and is rebuilt: {}", file, e.toString());
      return index;
    }
    if (!torchwork.equals(p.getProperty(VERSION))) {
      return index;
    }
    for (String key : p.stringPropertyNames()) {
      if (key.endsWith(".ids")) {
        String sha = key.substring(0, key.length() - ".ids".length());
        List<String> ids = list(p.getProperty(key));
        // An entry that is not what Torchwork writes is left out: that plugin then loads in full.
        if (sha.matches("[0-9a-f]{64}") && !ids.isEmpty() && ids.stream().allMatch(id -> id.matches(ID))) {
          index.known.put(sha, new Known(p.getProperty(sha + ".version", "-"), p.getProperty(sha + ".api", "undeclared"),
              list(p.getProperty(sha + ".modules")), ids, list(p.getProperty(sha + ".warnings"))));
        }
      }
    }
    return index;
  }

  /**
   * What a plugin provided when it last loaded.
   *
   * @param sha256 the SHA-256 of its bytes
   * @return what it provided, or empty when it is not known
   */
  Optional<Known> find(String sha256) {
    return Optional.ofNullable(known.get(sha256));
  }

  /** Records what a plugin that loaded in full provides. */
  void put(String sha256, Known what) {
    if (file != null && !what.equals(known.put(sha256, what))) {
      changed = true;
    }
  }

  /** Forgets a plugin that no longer loads as recorded. */
  void remove(String sha256) {
    if (file != null && known.remove(sha256) != null) {
      changed = true;
    }
  }

  /**
   * Writes the index when it changed: atomically, readable and writable by this user only. A
   * failure is logged, never thrown: without the index, plugins still load in full.
   */
  synchronized void save() {
    if (file == null || !changed) {
      return;
    }
    Map<String, String> sorted = new TreeMap<>();
    sorted.put(VERSION, torchwork);
    known.forEach((sha, k) -> {
      sorted.put(sha + ".ids", String.join(SEPARATOR, k.ids()));
      sorted.put(sha + ".modules", String.join(SEPARATOR, k.modules()));
      sorted.put(sha + ".version", k.version());
      sorted.put(sha + ".api", k.api());
      sorted.put(sha + ".warnings", String.join(SEPARATOR, k.warnings()));
    });
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      AtomicFiles.write(file, out -> {
        Properties p = new Properties() {
          private static final long serialVersionUID = 1L;

          @Override
          public java.util.Set<Map.Entry<Object, Object>> entrySet() {
            // In key order, so that the file changes only where the plugins did.
            java.util.Set<Map.Entry<Object, Object>> entries = new java.util.LinkedHashSet<>();
            sorted.forEach((k, v) -> entries.add(Map.entry(k, v)));
            return entries;
          }
        };
        sorted.forEach(p::setProperty);
        p.store(out, "What each plugin provides, by SHA-256: lets Torchwork define a plugin's layer only when it is used."
            + " Safe to delete.");
      }, written -> Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------")));
      changed = false;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      LOG.debug("Plugin index {} cannot be written: {}", file, e.toString());
    }
  }

  private static List<String> list(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(SEPARATOR, -1));
  }
}
