package org.torchwork.data;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.RecordType;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.torchwork.api.TorchworkException;

/**
 * One pass over a CSV file, record by record, with FastCSV doing the quoting, separators, line
 * breaks inside quotes and byte-order marks. Each column has a {@link Kind} that says what becomes
 * of its cells: numbers and level codes go into {@link #row} at the column's slot (NaN where the
 * cell is missing), texts into {@link #texts}, the rest is skipped; no string is made for a cell
 * unless it must be kept. Every problem names the file, the line and the column.
 *
 * <p>The first bytes tell the separator, refuse binary data and estimate the rows (to size arrays:
 * {@link #rowsEstimate}); the characters are watched as they are read ({@link QuoteWatch}) for a
 * quote that opens a value and never closes, which would otherwise swallow the rest of the file
 * into one value.
 */
final class CsvScan implements Closeable {
  /** What becomes of a column's cells. */
  enum Kind {
    /** Not read. */
    SKIP,
    /** A number, into {@link #row}. */
    NUMBER,
    /** true/false (TRUE, True, T, yes ...), as 1 or 0 into {@link #row}. */
    LOGICAL,
    /** A level's code from the column's {@link Levels}, into {@link #row}; -1 for a text not among fixed levels. */
    LEVEL,
    /** The cell's text, trimmed, into {@link #texts}; null where missing. */
    TEXT
  }

  /** A column: its name, what becomes of its cells, and what was seen. */
  static final class Column {
    final String name;
    Kind kind = Kind.SKIP;
    int slot = -1;
    /** For LEVEL columns. */
    Levels levels;
    /** For LEVEL columns: whether new texts become levels (else they are unseen, code -1). */
    boolean grow;
    /** For NUMBER and LOGICAL columns whose type was given, not guessed: a text is an error, not a conflict. */
    boolean declared;
    /** What the column is, for messages, e.g. "feature" or "regression target". */
    String role = "feature";
    /** For a column whose type a model fixed: what to say when a cell does not fit it. */
    String trainedAs;
    /** Missing cells seen. */
    long missing;
    /** NUMBER: whether every number seen was whole, and the least and greatest. */
    boolean whole = true;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    /** NUMBER: whether the numbers so far count up by one from the first, as a saved row index does. */
    boolean counting = true;
    long numbers;
    float first;
    /** LEVEL: a text beyond the level limit was seen. */
    boolean overflow;
    /** LEVEL with fixed levels: the cells that held texts not among them, by text (the first 20), and in all. */
    Map<String, Long> unseen;
    long unseenCells;

    Column(String name) {
      this.name = name;
    }
  }

  private static final int DETECT_BYTES = 1 << 16;
  /** The longest value read: a longer one is an unclosed quote, or not a table. */
  static final int MAX_FIELD = 1 << 20;
  static final List<Character> SEPARATORS = List.of(',', ';', '\t', '|');
  private static final Pattern INFINITY = Pattern.compile("[+-]?inf(inity)?");
  /** A number with a decimal comma whose points group thousands: 1.234.567,5. */
  private static final Pattern GROUPED = Pattern.compile("[+-]?\\d{1,3}(\\.\\d{3})+(,\\d*)?");
  private static final int UNSEEN_SHOWN = 20;

  final String what;
  final List<Column> columns;
  final CsvFormat format;
  /** About how many rows the file holds, from the length of its first lines; 0 when unknown. */
  final long rowsEstimate;
  private final QuoteWatch watch;
  private final long size;
  private final CloseableIterator<Object> records;
  private final CsvReader<Object> reader;
  private final Handler handler = new Handler();
  private final char[] scratch = new char[64];
  private final char[][] na;
  float[] row = new float[0];
  String[] texts = new String[0];
  /** When set, every cell's text is kept in {@link #raw} as well (to guess types from). */
  boolean keepRaw;
  String[] raw;
  /**
   * Columns whose guessed type a cell contradicted (text where numbers were guessed), with the
   * line of the first such cell; they are read no further in this pass.
   */
  final Map<Integer, Long> conflicts = new LinkedHashMap<>();

  /**
   * Opens a file and reads its header.
   *
   * @param source the file's bytes
   * @param what how messages name it, e.g. {@code "Task file data.csv"}
   * @param given the separator (0 to detect it), decimal mark and missing-value tokens
   */
  CsvScan(Source source, String what, CsvFormat given) throws IOException {
    this.what = what;
    byte[] head = source.head(DETECT_BYTES);
    for (byte b : head) {
      if (b == 0) {
        throw new TorchworkException(what + " is not a text file: it holds binary data (a NUL byte in its first "
            + DETECT_BYTES / 1024 + " KiB). Give a CSV file: UTF-8 text, a header row, one row per line.");
      }
    }
    String text = new String(head, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      throw new TorchworkException(what + " is empty. It needs a header row naming the columns.");
    }
    char separator = given.separator() != CsvFormat.DETECT ? given.separator() : detectSeparator(text);
    if (separator == given.decimal()) {
      throw new TorchworkException(what + ": the separator and the decimal mark are both '" + separator + "'. Set another"
          + " separator, e.g. --sep ';' with --decimal ','.");
    }
    this.format = given.withSeparator(separator);
    this.na = new char[format.na().size()][];
    for (int i = 0; i < na.length; i++) {
      na[i] = format.na().get(i).toLowerCase(Locale.ROOT).toCharArray();
    }
    this.size = source.size();
    this.rowsEstimate = estimateRows(head, size);
    this.watch = new QuoteWatch(new InputStreamReader(source.open(), StandardCharsets.UTF_8), separator, what);
    this.reader = CsvReader.builder().fieldSeparator(separator).quoteCharacter('"').skipEmptyLines(true)
        .allowExtraFields(true).allowMissingFields(true).maxBufferSize(MAX_FIELD).build(handler, watch);
    try {
      this.records = reader.iterator();
      handler.header = true;
      if (!next()) {
        throw new TorchworkException(what + " is empty. It needs a header row naming the columns.");
      }
      handler.header = false;
      this.columns = header(handler.names);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  private List<Column> header(List<String> names) {
    List<Column> cols = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).trim();
      if (name.isEmpty()) {
        name = "column" + (i + 1);
      }
      if (!seen.add(name)) {
        int first = 0;
        while (!cols.get(first).name.equals(name)) {
          first++;
        }
        throw new TorchworkException(what + " has two columns named '" + name + "' (columns " + (first + 1) + " and " + (i + 1)
            + "), so columns cannot be told apart by name. Rename one of them.");
      }
      cols.add(new Column(name));
    }
    return cols;
  }

  /** Whether a header cell was empty (the column was named {@code column<N>}). */
  boolean unnamed(int column) {
    return handler.names.get(column).trim().isEmpty();
  }

  /** Sets each column's slot from its kind, in column order, and makes the row buffers. */
  void plan() {
    int slots = 0;
    int textSlots = 0;
    for (Column c : columns) {
      c.slot = c.kind == Kind.SKIP ? -1 : c.kind == Kind.TEXT ? textSlots++ : slots++;
    }
    row = new float[slots];
    texts = new String[textSlots];
  }

  /**
   * Reads the next record into {@link #row} and {@link #texts}.
   *
   * @return false at the end of the file
   * @throws TorchworkException naming the line and column of a bad record or cell
   */
  boolean next() {
    try {
      return records.hasNext() && records.next() != null;
    } catch (CsvParseException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof TorchworkException) {
          throw (TorchworkException) t;
        }
      }
      String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      if (cause != null && cause.contains("maximum buffer size")) {
        throw new TorchworkException(what + " line " + line() + " holds a value longer than " + MAX_FIELD + " characters, which no"
            + " table cell is: a quote opened there and never closed, or the file is not a CSV file. Close the quote (a quote inside"
            + " a quoted value is written \"\").", e);
      }
      throw new TorchworkException(what + " line " + line() + " cannot be read: " + cause + ". Check the quotes on that line: a"
          + " quoted value must end with a quote.", e);
    } catch (UncheckedIOException e) {
      throw new TorchworkException(what + " cannot be read: " + e.getCause().getMessage() + ".", e);
    }
  }

  /**
   * About how many rows are left, from the share of the file read so far.
   *
   * @param rowsSoFar the rows read so far
   * @return the estimate
   */
  long rowsLeft(long rowsSoFar) {
    long read = Math.max(1, watch.chars);
    return size <= 0 ? rowsSoFar / 2 + 16 : (long) Math.ceil((double) rowsSoFar * Math.max(0, size - read) / read) + 16;
  }

  /** About how many rows a file holds: all of them when it is shorter than its head, else by the head's line length. */
  private static long estimateRows(byte[] head, long size) {
    long lines = 0;
    for (int i = 0; i < head.length; i++) {
      if (head[i] == '\n' || (head[i] == '\r' && (i + 1 == head.length || head[i + 1] != '\n'))) {
        lines++;
      }
    }
    if (size <= head.length) {
      return lines + 1;
    }
    double perLine = (double) head.length / Math.max(1, lines);
    return (long) Math.ceil(size / perLine * 1.05) + 64;
  }

  /** The physical line the current record starts on (the header is line 1). */
  long line() {
    return handler.line;
  }

  /**
   * An error about a cell of the current record.
   *
   * @param column the column's index
   * @param problem what is wrong and what to do
   * @return the exception, naming the file, the line and the column
   */
  TorchworkException error(int column, String problem) {
    return new TorchworkException(what + " line " + line() + ", column '" + columns.get(column).name + "': " + problem);
  }

  /** Reads a record kept as texts (one of the first rows) as the file's own record would be read. */
  void replay(String[] cells, long line) {
    handler.line = line;
    for (int i = 0; i < cells.length; i++) {
      char[] c = cells[i] == null ? new char[0] : cells[i].toCharArray();
      handler.cell(i, c, 0, c.length);
    }
  }

  /** Whether a cell's text is a missing-value token. */
  boolean isNa(String cell) {
    String t = cell.strip();
    return isNa(t.toCharArray(), 0, t.length());
  }

  /** Whether a cell's text is a number (with the file's decimal mark). */
  boolean isNumber(String cell) {
    return !Float.isNaN(parseNumber(cell));
  }

  /** A cell's number (with the file's decimal mark), or NaN when it is not one. */
  float parseNumber(String cell) {
    String t = cell.strip();
    return number(t.toCharArray(), 0, t.length());
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** The separator a file's first lines use most consistently; a comma when none is seen. */
  static char detectSeparator(String head) {
    List<String> lines = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < head.length() && lines.size() < 30; i++) {
      char c = head.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\n' && !quoted) {
        lines.add(head.substring(start, i));
        start = i + 1;
      }
    }
    if (lines.isEmpty()) {
      lines.add(head);
    }
    char best = ',';
    int bestCount = 0;
    boolean bestConsistent = false;
    for (char sep : SEPARATORS) {
      int first = count(lines.get(0), sep);
      if (first == 0) {
        continue;
      }
      boolean consistent = lines.stream().filter(l -> !l.isBlank()).allMatch(l -> count(l, sep) == first);
      if ((consistent && !bestConsistent) || (consistent == bestConsistent && first > bestCount)) {
        best = sep;
        bestCount = first;
        bestConsistent = consistent;
      }
    }
    return best;
  }

  private static int count(String line, char sep) {
    int n = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == sep && !quoted) {
        n++;
      }
    }
    return n;
  }

  private boolean isNa(char[] buf, int off, int len) {
    for (char[] token : na) {
      if (token.length == len) {
        boolean same = true;
        for (int i = 0; i < len && same; i++) {
          char c = buf[off + i];
          same = (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) == token[i];
        }
        if (same) {
          return true;
        }
      }
    }
    return false;
  }

  /** A number from a cell, the decimal mark applied; NaN when it is not one. */
  private float number(char[] buf, int off, int len) {
    if (format.decimal() == ',') {
      boolean points = false;
      for (int i = off; i < off + len; i++) {
        points |= buf[i] == '.';
      }
      // With a decimal comma a point only groups thousands (1.234,5): a date (31.01.2026) is no number.
      if (points && !GROUPED.matcher(new String(buf, off, len)).matches()) {
        return Float.NaN;
      }
      char[] s = len <= scratch.length ? scratch : new char[len];
      int n = 0;
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        if (c == ',') {
          s[n++] = '.';
        } else if (c != '.') {
          s[n++] = c;
        }
      }
      buf = s;
      off = 0;
      len = n;
    }
    try {
      return Floats32.parse(buf, off, len);
    } catch (NumberFormatException e) {
      // R writes Inf, pandas inf; Java reads only Infinity.
      String s = new String(buf, off, len).toLowerCase(Locale.ROOT);
      if (INFINITY.matcher(s).matches()) {
        return s.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
      }
      return Float.NaN;
    }
  }

  /** The cell's value for a LOGICAL column: 1, 0, or -1 when it is not a truth value. */
  static int truth(char[] buf, int off, int len) {
    return truth(new String(buf, off, len));
  }

  /** A text as a truth value: 1, 0, or -1 when it is none. */
  static int truth(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "true": case "t": case "yes":
        return 1;
      case "false": case "f": case "no":
        return 0;
      default:
        return -1;
    }
  }

  private final class Handler extends AbstractBaseCsvCallbackHandler<Object> {
    boolean header;
    final List<String> names = new ArrayList<>();
    long line;
    /** Whether the record's first cell is blank, and whether it was counted as a missing value. */
    boolean firstBlank;
    boolean firstCounted;

    @Override
    protected void handleBegin(long startingLineNumber) {
      line = startingLineNumber;
      firstCounted = false;
    }

    @Override
    protected void handleField(int index, char[] buf, int off, int len, boolean quoted) {
      if (header) {
        String name = new String(buf, off, len);
        names.add(index == 0 && name.startsWith("\uFEFF") ? name.substring(1) : name);
        return;
      }
      if (index >= columns.size()) {
        return;
      }
      if (index == 0) {
        firstBlank = !quoted && blank(buf, off, len);
      }
      if (keepRaw) {
        raw[index] = new String(buf, off, len);
      }
      cell(index, buf, off, len);
    }

    private boolean blank(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (!Character.isWhitespace(buf[i])) {
          return false;
        }
      }
      return true;
    }

    void cell(int index, char[] buf, int off, int len) {
      Column col = columns.get(index);
      if (col.kind == Kind.SKIP) {
        return;
      }
      while (len > 0 && buf[off] == ' ') {
        off++;
        len--;
      }
      while (len > 0 && buf[off + len - 1] == ' ') {
        len--;
      }
      if (isNa(buf, off, len)) {
        col.missing++;
        col.counting = false;
        firstCounted |= index == 0;
        if (col.kind == Kind.TEXT) {
          texts[col.slot] = null;
        } else {
          row[col.slot] = Float.NaN;
        }
        return;
      }
      switch (col.kind) {
        case NUMBER:
          number(index, col, buf, off, len);
          return;
        case LOGICAL: {
          int t = truth(buf, off, len);
          if (t < 0) {
            mismatch(index, col, buf, off, len, "is not true or false");
            return;
          }
          row[col.slot] = t;
          return;
        }
        case LEVEL: {
          int code = col.levels.code(buf, off, len, col.grow);
          if (code == -2) {
            col.overflow = true;
            row[col.slot] = Float.NaN;
          } else if (code == -1) {
            col.unseenCells++;
            String text = new String(buf, off, len);
            if (col.unseen != null && (col.unseen.size() < UNSEEN_SHOWN || col.unseen.containsKey(text))) {
              col.unseen.merge(text, 1L, Long::sum);
            }
            row[col.slot] = -1;
          } else {
            row[col.slot] = code;
          }
          return;
        }
        case TEXT:
          texts[col.slot] = new String(buf, off, len);
          return;
        default:
          throw new AssertionError(col.kind);
      }
    }

    private void number(int index, Column col, char[] buf, int off, int len) {
      float v = CsvScan.this.number(buf, off, len);
      if (Float.isNaN(v)) {
        mismatch(index, col, buf, off, len, "is not a number");
        return;
      }
      if (Float.isInfinite(v)) {
        String s = new String(buf, off, len);
        boolean overflow = !s.toLowerCase(Locale.ROOT).contains("inf");
        throw error(index, "'" + s + "' is " + (overflow ? "beyond the range of 32-bit floats (about ±3.4e38), which networks"
            + " train in" : "not a finite number") + ". A " + col.role + " must be finite: " + (overflow ? "rescale the column, or "
            : "") + "remove the value or leave the cell empty (missing values are imputed).");
      }
      if (col.whole && v != Math.rint(v)) {
        col.whole = false;
      }
      if (v < col.min) {
        col.min = v;
      }
      if (v > col.max) {
        col.max = v;
      }
      if (col.counting) {
        if (col.numbers == 0) {
          col.first = v;
        }
        col.counting = v == col.first + col.numbers;
      }
      col.numbers++;
      row[col.slot] = v;
    }

    /** A cell that does not fit its column: a guessed type ends (the column is read again), a given one fails. */
    private void mismatch(int index, Column col, char[] buf, int off, int len, String problem) {
      String text = new String(buf, off, len);
      if (!col.declared) {
        conflicts.putIfAbsent(index, line);
        col.kind = Kind.SKIP;
        return;
      }
      if (col.trainedAs != null) {
        throw error(index, "'" + text + "' " + problem + ", but " + col.trainedAs);
      }
      if (col.kind == Kind.LOGICAL) {
        throw error(index, "'" + text + "' is not true or false, which " + col.role + " '" + col.name + "' holds. Remove or fix the"
            + " value.");
      }
      throw error(index, "'" + text + "' is not a number. " + col.role + " '" + col.name + "' holds numbers"
          + (col.role.startsWith("regression") ? "; for classes, use a classif.* learner" : "; remove or fix the value, or declare"
          + " the column's type (--types " + col.name + "=categorical)") + ".");
    }

    @Override
    protected Object buildRecord() {
      if (getRecordType() != RecordType.DATA) {
        return null;
      }
      if (header) {
        return Boolean.TRUE;
      }
      int n = getFieldCount();
      if (n != columns.size()) {
        if (n == 1 && columns.size() > 1 && firstBlank) {
          // A line of spaces is skipped as a blank line is.
          if (firstCounted) {
            columns.get(0).missing--;
          }
          return null;
        }
        throw new TorchworkException(what + " line " + line + " has " + n + " values but the header has " + columns.size()
            + " columns (separator '" + printable(format.separator()) + "'). Fix the line so every row has one value per column"
            + (n > columns.size() ? ", and quote values that contain the separator" : "") + ".");
      }
      return Boolean.TRUE;
    }
  }

  static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }

}
