package org.torchwork.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.torchwork.api.TorchworkException;

/**
 * The hand-written CSV reader Torchwork had before its data module (numbers only, comma-separated,
 * no line break inside quotes), kept as it was for one purpose: the reading benchmark's baseline,
 * "today's numeric reader", against which the FastCSV-based reader is measured.
 */
public final class HandWrittenCsv implements Closeable {
  private static final Pattern INFINITY = Pattern.compile("(?i)[+-]?inf(inity)?");
  /** The longest line read: a file with longer ones is not a CSV file of numbers. */
  static final int MAX_LINE = 1 << 20;

  private final Reader reader;
  private final char[] buffer = new char[1 << 16];
  private int position;
  private int limit;
  private final String what;
  private final List<String> header;
  private final String[] cells;
  private int line = 1;

  /**
   * Opens a CSV stream and reads its header.
   *
   * @param in the CSV bytes, UTF-8
   * @param what how messages name the file, e.g. {@code "Task file iris.csv"}
   * @throws IOException when reading fails
   * @throws TorchworkException when there is no header
   */
  public HandWrittenCsv(InputStream in, String what) throws IOException {
    this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    this.what = what;
    String first = readLine();
    if (first == null) {
      throw new TorchworkException(what + " is empty. It needs a header row naming the columns.");
    }
    if (first.startsWith("\uFEFF")) {
      first = first.substring(1);
    }
    List<String> names = new ArrayList<>();
    for (String name : split(first, new String[countCells(first)])) {
      names.add(name.trim());
    }
    for (int i = 0; i < names.size(); i++) {
      int again = names.subList(i + 1, names.size()).indexOf(names.get(i));
      if (again >= 0) {
        throw new TorchworkException(what + " has two columns named '" + names.get(i) + "' (columns " + (i + 1) + " and "
            + (i + again + 2) + "), so columns cannot be told apart by name. Rename one of them.");
      }
    }
    this.header = List.copyOf(names);
    this.cells = new String[header.size()];
  }

  /**
   * The column names, in file order.
   *
   * @return the header
   */
  public List<String> header() {
    return header;
  }

  /**
   * Where each wanted column is.
   *
   * @param wanted column names
   * @param role what they are, for the message, e.g. {@code "which the model needs"}; may be empty
   * @param fix what to do when one is missing
   * @return the index in the header of each wanted column
   * @throws TorchworkException naming the first missing column and the columns there are
   */
  public int[] columns(List<String> wanted, String role, String fix) {
    int[] index = new int[wanted.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = header.indexOf(wanted.get(i));
      if (index[i] < 0) {
        throw new TorchworkException(what + " has no column '" + wanted.get(i) + "'" + (role.isEmpty() ? "" : ", " + role) + "."
            + "" + " Its columns: " + String.join(", ", header) + "."
            + headerHint() + " " + fix);
      }
    }
    return index;
  }

  /** Why the header may not be one: numbers where names belong, or another separator. */
  private String headerHint() {
    long numbers = header.stream().filter(h -> h.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")).count();
    if (numbers > 0 && numbers * 2 >= header.size()) {
      return " The first line holds numbers: the file seems to have no header row; add one naming the columns.";
    }
    if (header.size() == 1 && (header.get(0).contains(";") || header.get(0).contains("\t"))) {
      return " The columns seem to be separated by " + (header.get(0).contains(";") ? "semicolons" : "tabs")
          + "; Torchwork reads comma-separated files.";
    }
    return "";
  }

  /**
   * The next record's cells, untrimmed; the array is reused by the next call.
   *
   * @return one cell per header column, or null at the end of the file
   * @throws IOException when reading fails
   * @throws TorchworkException when the record has the wrong number of values or an unclosed quote
   */
  public String[] next() throws IOException {
    String text;
    do {
      text = readLine();
      line++;
      if (text == null) {
        return null;
      }
    } while (text.isBlank());
    int n = countCells(text);
    if (n != cells.length) {
      throw new TorchworkException(what + " line " + line + " has " + n + " values but the header has " + cells.length
          + " columns. Fix the line so every row has one value per column.");
    }
    return split(text, cells);
  }

  /**
   * An error about a cell of the current record.
   *
   * @param column the column's index
   * @param problem what is wrong and what to do
   * @return the exception, naming the file, the line and the column
   */
  public TorchworkException error(int column, String problem) {
    return new TorchworkException(what + " line " + line + ", column '" + header.get(column) + "': " + problem);
  }

  /**
   * A feature value: a finite number within the range of 32-bit floats, which networks train in.
   *
   * @param column the column's index
   * @param role what the column is, for messages, e.g. {@code "feature"}
   * @return the value
   * @throws TorchworkException naming the line and column when the cell is missing, not a number,
   *     not finite or out of range
   */
  public float number(int column, String role) {
    String s = cells[column].trim();
    if (s.isEmpty() || s.equalsIgnoreCase("NA") || s.equalsIgnoreCase("NaN")) {
      throw error(column, "the " + role + " value is missing. Remove or impute rows with missing values.");
    }
    float v;
    try {
      // R writes Inf, pandas inf; Java reads only Infinity. The pattern is tried only for cells
      // with an 'i': numbers are most of a file, and matching costs more than parsing.
      v = mayBeInfinity(s) && INFINITY.matcher(s).matches() ? (s.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY)
          : Floats32.parse(s);
    } catch (NumberFormatException e) {
      throw error(column, "'" + s + "' is not a number. Every " + role + " column must be numeric; encode or drop column '"
          + header.get(column) + "'" + (role.equals("feature") ? ", or name it as the target with --target" : "") + ".");
    }
    if (Float.isInfinite(v)) {
      boolean overflow = !s.toLowerCase(Locale.ROOT).contains("inf");
      throw error(column, "'" + s + "' is " + (overflow ? "beyond the range of 32-bit floats (about ±3.4e38), which networks train in"
          : "not a finite number") + ". A " + role + " must be finite: " + (overflow ? "rescale the column, or " : "") + "remove or impute"
          + " the value.");
    }
    return v;
  }

  private static boolean mayBeInfinity(String s) {
    return s.indexOf('i') >= 0 || s.indexOf('I') >= 0;
  }

  /**
   * A cell of the current record, trimmed.
   *
   * @param column the column's index
   * @return the text
   */
  public String text(int column) {
    return cells[column].trim();
  }

  /**
   * The next line without its line break ({@code \n} or {@code \r\n}), or null at the end; a
   * line longer than {@link #MAX_LINE} is refused rather than read into memory.
   */
  private String readLine() throws IOException {
    StringBuilder longer = null;
    while (true) {
      if (position >= limit) {
        limit = reader.read(buffer);
        position = 0;
        if (limit <= 0) {
          limit = 0;
          return longer == null ? null : withoutReturn(longer.toString());
        }
      }
      int start = position;
      while (position < limit && buffer[position] != '\n') {
        position++;
      }
      boolean end = position < limit;
      String text = null;
      if (longer == null && end) {
        text = new String(buffer, start, position - start);
      } else {
        longer = longer == null ? new StringBuilder() : longer;
        longer.append(buffer, start, position - start);
        if (longer.length() > MAX_LINE) {
          throw new TorchworkException(what + " line " + (line + 1) + " is longer than " + MAX_LINE + " characters, which no row of"
              + " numbers is. Check that it is a CSV file with one row per line.");
        }
      }
      if (end) {
        position++;
        return withoutReturn(text != null ? text : longer.toString());
      }
    }
  }

  private static String withoutReturn(String text) {
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  private int countCells(String text) {
    if (text.indexOf('"') < 0) {
      int n = 1;
      for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
        n++;
      }
      return n;
    }
    int n = 1;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '"') {
        quoted = !quoted;
      } else if (ch == ',' && !quoted) {
        n++;
      }
    }
    if (quoted) {
      throw new TorchworkException(what + " line " + line + " has an unclosed double quote. Close the quote"
          + " (a quote inside a quoted value is written \"\").");
    }
    return n;
  }

  /** Splits a line already counted into {@code out.length} cells. */
  private static String[] split(String text, String[] out) {
    if (text.indexOf('"') < 0) {
      int start = 0;
      for (int c = 0; c < out.length; c++) {
        int end = c == out.length - 1 ? text.length() : text.indexOf(',', start);
        out[c] = text.substring(start, end);
        start = end + 1;
      }
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int c = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out[c++] = cur.toString();
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    out[c] = cur.toString();
    return out;
  }

  /** A growable array of floats, for columns of unknown length. */
  static final class Floats {
    private float[] values = new float[1024];
    private int size;

    void add(float v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, values.length + (values.length >> 1));
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    float[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /** The previous reader's number parser, as it was. */
  static final class Floats32 {
    private static final double[] POWERS = new double[23];
    private static final long MAX_EXACT = 1L << 53;
    // The 29 low bits of a double's fraction that a float drops; halfway is the top one alone.
    private static final long DROPPED = (1L << 29) - 1;
    private static final long HALFWAY = 1L << 28;

    static {
      double p = 1;
      for (int i = 0; i < POWERS.length; i++) {
        POWERS[i] = p;
        p *= 10;
      }
    }

    private Floats32() {}

    /**
     * Parses a number.
     *
     * @param s the text
     * @return the float {@link Float#parseFloat} returns
     * @throws NumberFormatException where {@link Float#parseFloat} throws it
     */
    static float parse(String s) {
      int n = s.length();
      int i = 0;
      boolean negative = false;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        negative = s.charAt(i) == '-';
        i++;
      }
      long mantissa = 0;
      int digits = 0;
      int fraction = 0;
      boolean point = false;
      boolean any = false;
      for (; i < n; i++) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
          any = true;
          if (mantissa == 0 && c == '0') {
            // Leading zeros add no digit.
          } else if (++digits > 18) {
            // 18 digits stay below Long.MAX_VALUE; longer numbers take the exact path.
            return Float.parseFloat(s);
          } else {
            mantissa = mantissa * 10 + (c - '0');
          }
          if (point) {
            fraction++;
          }
        } else if (c == '.' && !point) {
          point = true;
        } else {
          break;
        }
      }
      if (!any) {
        return Float.parseFloat(s);
      }
      int exponent = 0;
      if (i < n) {
        char c = s.charAt(i);
        if (c != 'e' && c != 'E') {
          return Float.parseFloat(s);
        }
        i++;
        boolean negativeExponent = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
          negativeExponent = s.charAt(i) == '-';
          i++;
        }
        if (i == n) {
          return Float.parseFloat(s);
        }
        for (; i < n; i++) {
          char d = s.charAt(i);
          if (d < '0' || d > '9' || exponent > 1000) {
            return Float.parseFloat(s);
          }
          exponent = exponent * 10 + (d - '0');
        }
        if (negativeExponent) {
          exponent = -exponent;
        }
      }
      if (mantissa == 0) {
        return negative ? -0f : 0f;
      }
      int scale = exponent - fraction;
      if (mantissa > MAX_EXACT || scale < -22 || scale > 22) {
        return Float.parseFloat(s);
      }
      double d = scale >= 0 ? mantissa * POWERS[scale] : mantissa / POWERS[-scale];
      long bits = Double.doubleToRawLongBits(d);
      if ((bits & DROPPED) == HALFWAY || d < Float.MIN_NORMAL || d > Float.MAX_VALUE) {
        return Float.parseFloat(s);
      }
      float f = (float) d;
      return negative ? -f : f;
    }
  }
}
