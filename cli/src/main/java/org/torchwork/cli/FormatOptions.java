package org.torchwork.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchwork.data.CsvFormat;
import picocli.CommandLine.Option;

/** How a CSV file is written: {@code --sep}, {@code --decimal}, {@code --na}; for every command that reads one. */
final class FormatOptions {
  @Option(names = "--sep", paramLabel = "CHAR", description = "CSV files: the separator (, ; \\t |); detected when not given.")
  String sep;

  @Option(names = "--decimal", paramLabel = "CHAR", description = "CSV files: the decimal mark, . (the default) or ,.")
  String decimal;

  @Option(names = "--na", paramLabel = "TOKENS",
      description = "CSV files: the cells that mean missing, comma-separated (default: empty, NA, NaN, N/A, null); e.g. --na 'NA,?,'.")
  String na;

  /** The flags given, by setting name ({@link org.torchwork.data.CsvTable#set}). */
  Map<String, String> given() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sep", sep);
    m.put("decimal", decimal);
    m.put("na", na);
    return m;
  }

  /**
   * The format the flags give on top of another.
   *
   * @param base the format where no flag is given (a model's, or the defaults)
   * @return the format
   */
  CsvFormat format(CsvFormat base) {
    return base.with(given());
  }
}
