package org.torchwork.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.data.CsvTable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a CSV file is read, as {@code train}, {@code resample}, {@code tune} and {@code tasks} take it:
 * its format and the columns' roles and types; a run config file may hold the same keys.
 */
final class TableOptions {
  /** The settings, in the order {@link CsvTable#set} takes them. */
  static final List<String> KEYS = List.of("sep", "decimal", "na", "id", "weights", "drop", "features", "types");

  @Mixin FormatOptions format = new FormatOptions();

  @Option(names = "--id", paramLabel = "COLUMN", description = "CSV files: the column of row ids; never a feature, written first in"
      + " predictions.")
  String id;

  @Option(names = "--weights", paramLabel = "COLUMN", description = "CSV files: the column of row weights.")
  String weights;

  @Option(names = "--drop", paramLabel = "COLUMN,...", description = "CSV files: columns to leave out.")
  String drop;

  @Option(names = "--features", paramLabel = "COLUMN,...", description = "CSV files: the only columns to use as features.")
  String features;

  @Option(names = "--types", paramLabel = "COLUMN=TYPE,...",
      description = "CSV files: column types instead of guessed ones: numeric, integer, logical, categorical, or ignored.")
  String types;

  /** The settings given, by flag or else in the config file. */
  Map<String, String> settings(RunConfig file) {
    Map<String, String> flags = new LinkedHashMap<>(format.given());
    flags.put("id", id);
    flags.put("weights", weights);
    flags.put("drop", drop);
    flags.put("features", features);
    flags.put("types", types);
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      String v = flags.get(key);
      if (v == null && file != null) {
        v = file.scalar(key).map(RunConfig.Located::value).orElse(null);
      }
      if (v != null) {
        // Checked now, with the config file's line when it came from there.
        String value = v;
        if (flags.get(key) == null && file != null) {
          file.scalar(key).get().apply(() -> CsvTable.of(Path.of("x.csv")).set(key, value));
        } else {
          CsvTable.of(Path.of("x.csv")).set(key, value);
        }
        out.put(key, v);
      }
    }
    return out;
  }

  /** Whether a task argument names a file rather than a built-in task. */
  static boolean isFile(String task) {
    String lower = task.toLowerCase(java.util.Locale.ROOT);
    return lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt") || task.contains("/")
        || Files.isRegularFile(Path.of(task));
  }
}
