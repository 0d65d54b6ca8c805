package org.torchwork.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.torchwork.api.TorchworkException;

/**
 * How a CSV file is written: its separator, its decimal mark and the cells that mean "missing".
 * Quoted values (with separators, quotes written {@code ""} and line breaks inside), a UTF-8
 * byte-order mark, Windows line ends and blank lines are read whatever the format.
 *
 * @param separator the character between values; {@link #DETECT} to take the one among
 *     {@code , ; TAB |} that the first lines use consistently
 * @param decimal the decimal mark of numbers: {@code .} or {@code ,} (with {@code ,}, a {@code .}
 *     in a number is a thousands separator and is dropped)
 * @param na the cells that are missing values, compared without regard to case
 */
public record CsvFormat(char separator, char decimal, List<String> na) {
  /** The separator to detect. */
  public static final char DETECT = 0;
  /** What marks a missing value unless told otherwise: an empty cell, NA, NaN, N/A and null. */
  public static final List<String> DEFAULT_NA = List.of("", "NA", "NaN", "N/A", "null");
  /** Detected separator, {@code .} as the decimal mark, {@link #DEFAULT_NA}. */
  public static final CsvFormat DEFAULT = new CsvFormat(DETECT, '.', DEFAULT_NA);

  /**
   * Checks the format.
   *
   * @param separator the separator, or {@link #DETECT}
   * @param decimal {@code .} or {@code ,}
   * @param na the missing-value tokens
   * @throws TorchworkException for a decimal mark other than {@code .} or {@code ,}, or a
   *     separator that cannot separate
   */
  public CsvFormat {
    if (decimal != '.' && decimal != ',') {
      throw new TorchworkException("The decimal mark '" + decimal + "' is not one Torchwork reads. Give '.' or ','.");
    }
    if (separator == '"' || separator == '\n' || separator == '\r' || (separator != DETECT && separator == decimal)) {
      throw new TorchworkException("The separator '" + CsvScan.printable(separator) + "' cannot separate values"
          + (separator == decimal ? " when it is also the decimal mark" : "") + ". Give one of , ; \\t | (or leave it to be detected).");
    }
    na = List.copyOf(Objects.requireNonNull(na, "na"));
  }

  /**
   * The separator as users write it.
   *
   * @param text one character, or {@code \t}, {@code tab}, {@code auto}
   * @return the separator, or {@link #DETECT} for {@code auto}
   * @throws TorchworkException for anything else
   */
  public static char separator(String text) {
    switch (text) {
      case "auto":
        return DETECT;
      case "\\t":
      case "tab":
      case "\t":
        return '\t';
      default:
        if (text.length() != 1) {
          throw new TorchworkException("Separator '" + text + "' is not one character. Give one of , ; \\t | (e.g. --sep ';'), or"
              + " auto to detect it.");
        }
        return text.charAt(0);
    }
  }

  /**
   * This format with settings as users write them ({@code sep}, {@code decimal}, {@code na}; other
   * keys are ignored).
   *
   * @param settings the settings
   * @return a copy
   * @throws TorchworkException for a value that is not allowed
   */
  public CsvFormat with(Map<String, String> settings) {
    CsvFormat f = this;
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String v = e.getValue();
      if (v == null) {
        continue;
      }
      switch (e.getKey()) {
        case "sep":
          f = f.withSeparator(separator(v));
          break;
        case "decimal":
          if (v.length() != 1) {
            throw new TorchworkException("Decimal mark '" + v + "' is not one character. Give . or , (e.g. --decimal ',').");
          }
          f = f.withDecimal(v.charAt(0));
          break;
        case "na":
          f = f.withNa(Arrays.asList(v.split(",", -1)));
          break;
        default:
          break;
      }
    }
    return f;
  }

  /**
   * This format with another separator.
   *
   * @param c the separator
   * @return a copy
   */
  public CsvFormat withSeparator(char c) {
    return new CsvFormat(c, decimal, na);
  }

  /**
   * This format with another decimal mark.
   *
   * @param c {@code .} or {@code ,}
   * @return a copy
   */
  public CsvFormat withDecimal(char c) {
    return new CsvFormat(separator, c, na);
  }

  /**
   * This format with other missing-value tokens.
   *
   * @param tokens the cells that are missing (an empty string for empty cells)
   * @return a copy
   */
  public CsvFormat withNa(List<String> tokens) {
    return new CsvFormat(separator, decimal, new ArrayList<>(tokens));
  }
}
