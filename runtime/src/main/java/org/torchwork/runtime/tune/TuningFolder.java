package org.torchwork.runtime.tune;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.torchwork.api.Param;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.store.AtomicFiles;
import org.torchwork.runtime.store.Json;

/**
 * A tuning's folder: {@code trials.json} (what was tuned and every finished trial, rewritten
 * atomically after each one, so a killed tuning loses only the trials in progress),
 * {@code results.csv} (the same as a table) and {@code best.json}. A tuning started again on the
 * same folder with the same setup goes on from there; a different setup is refused.
 */
final class TuningFolder implements AutoCloseable {
  static final int FORMAT = 1;
  static final String TRIALS = "trials.json";
  static final String RESULTS = "results.csv";
  static final String BEST = "best.json";
  static final String BEST_CONFIG = "best.yaml";
  private static final Set<String> OURS = Set.of(TRIALS, RESULTS, BEST, BEST_CONFIG, ".lock");

  private final Path dir;
  private final Map<String, Object> setup;
  private final List<String> keys;
  private final List<String> measures;
  private final TreeMap<Integer, TrialResult> finished = new TreeMap<>();
  private final FileChannel lockFile;
  private final FileLock lock;

  private TuningFolder(Path dir, Map<String, Object> setup, List<String> keys, List<String> measures) throws IOException {
    this.dir = dir;
    this.setup = setup;
    this.keys = keys;
    this.measures = measures;
    this.lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockFile.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockFile.close();
      throw new TorchworkException("Tuning folder " + dir + " is in use by another tuning. Wait for it to finish, or give --out"
          + " another folder.");
    }
    this.lock = l;
  }

  /**
   * Opens a tuning folder, creating it, or reading the trials finished there before.
   *
   * @param dir the folder
   * @param setup what is tuned, as plain data; must equal what the folder's trials were run with
   * @param keys the searched keys, for the table
   * @param measures the measures, for the table
   * @return the folder, locked against other tunings until closed
   */
  static TuningFolder open(Path dir, Map<String, Object> setup, List<String> keys, List<String> measures) {
    Path trials = dir.resolve(TRIALS);
    try {
      if (Files.isSymbolicLink(dir) || (Files.exists(dir) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
        throw new TorchworkException("Tuning folder " + dir + " is not a folder (a file or a link). Give --out a new or empty"
            + " folder.");
      }
      Files.createDirectories(dir);
      if (!Files.exists(trials, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> files = Files.list(dir)) {
          List<String> others = files.map(p -> p.getFileName().toString()).filter(n -> !OURS.contains(n) && !n.startsWith(".")).toList();
          if (!others.isEmpty()) {
            throw new TorchworkException("Folder " + dir + " holds other files (" + String.join(", ", others.subList(0,
                Math.min(3, others.size()))) + ") and no tuning. Give --out a new or empty folder.");
          }
        }
      }
      TuningFolder folder = new TuningFolder(dir, setup, keys, measures);
      try {
        if (Files.exists(trials, LinkOption.NOFOLLOW_LINKS)) {
          folder.read(trials);
        }
      } catch (RuntimeException e) {
        folder.close();
        throw e;
      }
      return folder;
    } catch (IOException e) {
      throw new TorchworkException("Cannot use tuning folder " + dir + ": " + e.getMessage() + ". Give --out a folder you can"
          + " write.", e);
    }
  }

  private void read(Path trials) throws IOException {
    Object doc;
    try {
      if (!Files.isRegularFile(trials, LinkOption.NOFOLLOW_LINKS) || Files.size(trials) > 256L << 20) {
        throw new com.google.gson.JsonParseException("not a regular file of at most 256 MiB");
      }
      doc = Json.typed(Json.read(Files.readAllBytes(trials), Object.class));
    } catch (com.google.gson.JsonParseException e) {
      throw new TorchworkException(trials + " is not a tuning record (" + e.getMessage() + "). Move it away to start the tuning"
          + " afresh, or give --out another folder.");
    }
    if (!(doc instanceof Map<?, ?> map) || !Integer.valueOf(FORMAT).equals(map.get("format")) || !(map.get("trials") instanceof List<?> list)) {
      throw new TorchworkException(trials + " is not a tuning record of format " + FORMAT + ". Move it away to start the tuning"
          + " afresh, or give --out another folder.");
    }
    Object before = map.get("setup");
    if (!setup.equals(before)) {
      List<String> differ = new ArrayList<>();
      if (before instanceof Map<?, ?> old) {
        setup.forEach((k, v) -> {
          Object was = old.get(k);
          if (v instanceof Map<?, ?> now && was instanceof Map<?, ?> then) {
            now.forEach((sub, x) -> {
              if (!x.equals(then.get(sub))) {
                differ.add(k + "." + sub + " (was " + shown(then.get(sub)) + ", now " + shown(x) + ")");
              }
            });
            then.keySet().stream().filter(sub -> !now.containsKey(sub)).forEach(sub -> differ.add(k + "." + sub + " (was "
                + shown(then.get(sub)) + ", now none)"));
          } else if (!v.equals(was)) {
            differ.add(k + " (was " + shown(was) + ", now " + shown(v) + ")");
          }
        });
        old.keySet().stream().filter(k -> !setup.containsKey(k)).forEach(k -> differ.add(k + " (was " + shown(old.get(k))
            + ", now none)"));
      }
      throw new TorchworkException("Tuning folder " + dir + " holds trials of another setup" + (differ.isEmpty() ? "" : ": "
          + String.join("; ", differ)) + ". Give --out another folder for this one, or run the setup of that folder to go on"
          + " with it.");
    }
    for (Object o : list) {
      TrialResult t;
      try {
        t = TrialResult.fromMap((Map<?, ?>) o);
        if (TrialResult.INTERRUPTED.equals(t.status())) {
          throw new IllegalArgumentException("trial " + t.number() + " is marked interrupted, which is never recorded");
        }
      } catch (RuntimeException e) {
        throw new TorchworkException(dir.resolve(TRIALS) + " holds a trial Torchwork cannot read (" + e.getMessage() + "). Move the"
            + " file away to start the tuning afresh, or give --out another folder.");
      }
      finished.put(t.number(), t);
    }
  }

  private static String shown(Object v) {
    return v == null ? "none" : Param.format(v);
  }

  /** The trials finished before, by number. */
  Map<Integer, TrialResult> finished() {
    return finished;
  }

  Path dir() {
    return dir;
  }

  /** Records a finished trial: trials.json and results.csv are rewritten atomically. */
  void record(TrialResult result) {
    finished.put(result.number(), result);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", FORMAT);
    doc.put("setup", setup);
    doc.put("trials", finished.values().stream().map(TrialResult::asMap).toList());
    write(TRIALS, Json.bytes(Json.tagged(doc)));
    write(RESULTS, csv().getBytes(StandardCharsets.UTF_8));
  }

  /** Writes best.json, and best.yaml: a run config that trains the best configuration. */
  void best(Map<String, Object> best, Map<String, Object> runConfig) {
    write(BEST, Json.bytes(best));
    byte[] yaml = ("# The best trial's settings as a run config: torchwork train --config " + dir.resolve(BEST_CONFIG)
        + " --save DIR\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = Json.bytes(runConfig);
    byte[] all = java.util.Arrays.copyOf(yaml, yaml.length + body.length);
    System.arraycopy(body, 0, all, yaml.length, body.length);
    write(BEST_CONFIG, all);
  }

  private void write(String name, byte[] bytes) {
    try {
      AtomicFiles.write(dir.resolve(name), out -> out.write(bytes), null);
    } catch (IOException e) {
      throw new TorchworkException("Cannot write " + dir.resolve(name) + ": " + e.getMessage() + ". The trials finished so far"
          + " are in " + dir.resolve(TRIALS) + ".", e);
    }
  }

  /** The results as a CSV table: one row per trial. */
  String csv() {
    java.io.StringWriter text = new java.io.StringWriter();
    PrintWriter w = new PrintWriter(text);
    List<String> header = new ArrayList<>(List.of("trial", "status"));
    header.addAll(keys);
    measures.forEach(m -> {
      header.add(m);
      header.add(m + ".sd");
    });
    header.addAll(List.of("epochs", "seconds", "error"));
    w.print(String.join(",", header) + "\n");
    for (TrialResult t : finished.values()) {
      List<String> row = new ArrayList<>(List.of(String.valueOf(t.number()), t.status()));
      keys.forEach(k -> row.add(t.values().containsKey(k) ? cell(Param.format(t.values().get(k))) : ""));
      measures.forEach(m -> {
        Resample.Aggregate a = t.aggregates().stream().filter(x -> x.measure().equals(m)).findFirst().orElse(null);
        row.add(a == null ? "" : number(a.mean()));
        row.add(a == null || Double.isNaN(a.sd()) ? "" : number(a.sd()));
      });
      row.add(t.internalEpochs() == null ? "" : String.valueOf(t.internalEpochs()));
      row.add(String.format(java.util.Locale.ROOT, "%.1f", t.seconds()));
      row.add(t.error() == null ? "" : cell(t.error()));
      w.print(String.join(",", row) + "\n");
    }
    w.flush();
    return text.toString();
  }

  private static String number(double v) {
    return Double.toString(v);
  }

  private static String cell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockFile.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }
}
