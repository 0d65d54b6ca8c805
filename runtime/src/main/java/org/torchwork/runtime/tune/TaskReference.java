package org.torchwork.runtime.tune;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.runtime.Platform;
import org.torchwork.data.CsvTable;
import org.torchwork.data.IdxFiles;
import org.torchwork.data.ImageFolder;
import org.torchwork.data.NpyFiles;
import org.torchwork.data.RowCache;

/**
 * Where a task comes from, as plain values, so that a Spark executor can load the same rows: a
 * built-in task's id, or a CSV file (a path every executor can read), its target column and how it
 * is read ({@link CsvTable#settings()}: separator, missing-value tokens, id, weights, dropped
 * columns, types).
 *
 * @param id a built-in task's id, or null for a CSV file
 * @param csv the CSV file, or null for a built-in task
 * @param target the target column of a CSV file
 * @param settings how the CSV file is read; empty for the defaults
 */
public record TaskReference(String id, String csv, String target, Map<String, String> settings) {
  /**
   * Copies the settings.
   *
   * @param id a built-in task's id, or null for a CSV file
   * @param csv the CSV file, or null for a built-in task
   * @param target the target column of a CSV file
   * @param settings how the CSV file is read; null or empty for the defaults
   */
  public TaskReference {
    settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }
  /**
   * A built-in task.
   *
   * @param id its id, e.g. {@code iris}
   * @return the reference
   */
  public static TaskReference builtIn(String id) {
    return new TaskReference(Objects.requireNonNull(id, "id"), null, null, Map.of());
  }

  /**
   * A CSV file, read with the default settings.
   *
   * @param file the file; made absolute
   * @param target its target column
   * @return the reference
   */
  public static TaskReference csv(Path file, String target) {
    return csv(file, target, Map.of());
  }

  /**
   * A CSV file read with settings ({@link CsvTable#set}).
   *
   * @param file the file; made absolute
   * @param target its target column
   * @param settings how it is read
   * @return the reference
   */
  public static TaskReference csv(Path file, String target, Map<String, String> settings) {
    return new TaskReference(null, file.toAbsolutePath().normalize().toString(), Objects.requireNonNull(target, "target"), settings);
  }

  /**
   * Images in an IDX file (MNIST's format), with their labels.
   *
   * @param images the images file; made absolute
   * @param labels the labels file, or null for the one beside the images by the standard names
   * @return the reference
   */
  public static TaskReference idx(Path images, Path labels) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("format", "idx");
    if (labels != null) {
      settings.put("labels", labels.toAbsolutePath().normalize().toString());
    }
    return new TaskReference(null, images.toAbsolutePath().normalize().toString(), null, settings);
  }

  /**
   * An NPY array of features (rows along the first dimension), with an NPY array of labels.
   *
   * @param features the features file; made absolute
   * @param labels the labels file, or null for none (a task to predict)
   * @return the reference
   */
  public static TaskReference npy(Path features, Path labels) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("format", "npy");
    if (labels != null) {
      settings.put("labels", labels.toAbsolutePath().normalize().toString());
    }
    return new TaskReference(null, features.toAbsolutePath().normalize().toString(), null, settings);
  }

  /**
   * Whether the task is an NPY array.
   *
   * @return true for an NPY file
   */
  public boolean isNpy() {
    return "npy".equals(settings.get("format"));
  }

  /**
   * A folder of images, one subfolder per class.
   *
   * @param dir the folder; made absolute
   * @param settings how the images are read ({@link ImageFolder#set}: resize, crop, channels, mean, std)
   * @return the reference
   */
  public static TaskReference images(Path dir, Map<String, String> settings) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put("format", "images");
    return new TaskReference(null, dir.toAbsolutePath().normalize().toString(), null, s);
  }

  /**
   * This source, read a batch at a time from a binary cache ({@link RowCache}) instead of into
   * memory.
   *
   * @param cache the cache file, or null for the one beside the data
   * @return the reference
   */
  public TaskReference streamed(Path cache) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put("stream", "true");
    if (cache != null) {
      s.put("cache", cache.toAbsolutePath().normalize().toString());
    }
    return new TaskReference(id, csv, target, s);
  }

  /**
   * Whether the task is streamed from a cache.
   *
   * @return true when it is
   */
  public boolean isStreamed() {
    return "true".equals(settings.get("stream"));
  }

  /**
   * Opens a streamed task's cache, building it when there is none or it no longer matches.
   *
   * @param type the learner's task type, which a CSV file is read as
   * @return the task and its cache
   */
  public RowCache.Opened open(TaskType type) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.remove("stream");
    s.remove("format");
    if (target != null) {
      s.put("target", target);
    }
    return RowCache.open(Path.of(csv), s, isIdx() || isImages() ? null : type);
  }

  /**
   * Whether the task is a folder of images.
   *
   * @return true for a folder of images
   */
  public boolean isImages() {
    return "images".equals(settings.get("format"));
  }

  /**
   * Whether the task is images in an IDX file.
   *
   * @return true for an IDX file
   */
  public boolean isIdx() {
    return "idx".equals(settings.get("format"));
  }

  /**
   * Loads the task.
   *
   * @param platform where a built-in task is found
   * @param type the learner's task type, which a CSV file is read as
   * @return the task
   */
  public Task load(Platform platform, TaskType type) {
    if (isStreamed()) {
      return open(type).task();
    }
    if (isIdx()) {
      String labels = settings.get("labels");
      return IdxFiles.read(Path.of(csv), labels == null ? null : Path.of(labels));
    }
    if (isNpy()) {
      String labels = settings.get("labels");
      return NpyFiles.read(Path.of(csv), labels == null ? null : Path.of(labels), type);
    }
    if (isImages()) {
      ImageFolder folder = ImageFolder.of(Path.of(csv));
      settings.forEach(folder::set);
      return folder.read().task();
    }
    return id != null ? platform.task(id) : table().task(type);
  }

  /**
   * The CSV file as a table, with its settings.
   *
   * @return the table
   * @throws IllegalStateException for a built-in task
   */
  public CsvTable table() {
    if (csv == null || isIdx() || isNpy() || isImages() || isStreamed()) {
      throw new IllegalStateException("task " + this + " is not a CSV file read into memory");
    }
    return CsvTable.of(Path.of(csv), settings).target(target);
  }

  /**
   * What identifies the task's rows, for a tuning's record: a built-in task's id, or a CSV file's
   * path, target, size and SHA-256, so that trials on other rows are never taken for these.
   *
   * @return the fingerprint
   */
  public java.util.Map<String, Object> fingerprint() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (id != null) {
      m.put("id", id);
      return m;
    }
    m.put("csv", csv);
    m.put("target", target);
    if (!settings.isEmpty()) {
      m.put("settings", settings);
    }
    if (settings.containsKey("labels")) {
      m.put("labels", fingerprint(Path.of(settings.get("labels"))));
    }
    if (isImages()) {
      m.put("images", folderFingerprint(Path.of(csv)));
      return m;
    }
    m.putAll(fingerprint(Path.of(csv)));
    return m;
  }

  /** Every image's path, size and time, hashed: another set of images is not taken for these. */
  private static String folderFingerprint(Path dir) {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (Path p : s.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
        sha.update((dir.relativize(p) + "\0" + java.nio.file.Files.size(p) + "\0" + java.nio.file.Files.getLastModifiedTime(p) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new org.torchwork.api.TorchworkException("Cannot read image folder " + dir + ": " + e.getMessage() + ".");
    }
  }

  private static java.util.Map<String, Object> fingerprint(Path file) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      long size = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        size += n;
      }
      m.put("bytes", Long.toString(size));
      m.put("sha256", java.util.HexFormat.of().formatHex(sha.digest()));
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new org.torchwork.api.TorchworkException("Cannot read task file " + file + ": " + e.getMessage() + ".");
    }
    return m;
  }

  @Override
  public String toString() {
    return id != null ? id : csv;
  }
}
