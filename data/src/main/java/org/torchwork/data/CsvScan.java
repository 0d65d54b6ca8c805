package org.torchwork.data;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.torchwork.api.TorchworkException;

/**
 * One pass over a CSV file, record by record, with FastCSV doing the quoting, separators, line
 * breaks inside quotes and byte-order marks. Each column has a {@link Kind} that says what becomes
 * of its cells: numbers and level codes go into {@link #row} at the column's slot (NaN where the
 * cell is missing), texts into {@link #texts}, the rest is skipped; no string is made for a cell
 * unless it must be kept. Every problem names the file, the line and the column.
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

  /** Why a column's cells cannot be read as its kind: its type was guessed from too few rows. */
  static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int column;

    Conflict(int column) {
      super(null, null, false, false);
      this.column = column;
    }
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
    /** For NUMBER columns whose type was given, not guessed: a text is an error, not a conflict. */
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
    /** LEVEL: a text beyond the level limit was seen. */
    boolean overflow;
    /** LEVEL with fixed levels: how many cells held texts not among them, by text (the first ones). */
    java.util.Map<String, Long> unseen;

    Column(String name) {
      this.name = name;
    }
  }

  private static final int DETECT_BYTES = 1 << 16;
  /** The longest value read: a longer one is an unclosed quote, or not a table. */
  static final int MAX_FIELD = 1 << 20;
  static final List<Character> SEPARATORS = List.of(',', ';', '\t', '|');
  private static final java.util.regex.Pattern INFINITY = java.util.regex.Pattern.compile("[+-]?inf(inity)?");

  final String what;
  final List<Column> columns;
  final CsvFormat format;
  final long lines;
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
   * Opens a file and reads its header.
   *
   * @param source the file's bytes
   * @param what how messages name it, e.g. {@code "Task file data.csv"}
   * @param given the separator (0 to detect it), decimal mark and missing-value tokens
   */
  CsvScan(Source source, String what, CsvFormat given) throws IOException {
    this.what = what;
    byte[] head = source.head(DETECT_BYTES);
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
    this.lines = source.lines();
    this.reader = CsvReader.builder().fieldSeparator(separator).quoteCharacter('"').skipEmptyLines(true)
        .allowExtraFields(true).allowMissingFields(true).detectBomHeader(true).maxBufferSize(MAX_FIELD).build(handler, source.open());
    this.records = reader.iterator();
    handler.header = true;
    if (!advance()) {
      throw new TorchworkException(what + " is empty. It needs a header row naming the columns.");
    }
    handler.header = false;
    this.columns = header(handler.names);
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
   * @throws Conflict when a cell does not fit its column's guessed kind
   * @throws TorchworkException naming the line and column of a bad record or cell
   */
  boolean next() {
    return advance();
  }

  private boolean advance() {
    try {
      return records.hasNext() && records.next() != null;
    } catch (CsvParseException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof TorchworkException) {
          throw (TorchworkException) t;
        }
        if (t instanceof Conflict) {
          throw (Conflict) t;
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
    String s = new String(buf, off, len).toLowerCase(Locale.ROOT);
    switch (s) {
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

    @Override
    protected void handleBegin(long startingLineNumber) {
      line = startingLineNumber;
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
      if (keepRaw) {
        raw[index] = new String(buf, off, len);
      }
      cell(index, buf, off, len);
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
        if (col.kind == Kind.TEXT) {
          texts[col.slot] = null;
        } else {
          row[col.slot] = Float.NaN;
        }
        return;
      }
      switch (col.kind) {
        case NUMBER: {
          float v = number(buf, off, len);
          if (Float.isNaN(v)) {
            if (!col.declared) {
              throw new Conflict(index);
            }
            if (col.trainedAs != null) {
              throw error(index, "'" + new String(buf, off, len) + "' is not a number, but " + col.trainedAs);
            }
            throw error(index, "'" + new String(buf, off, len) + "' is not a number. " + col.role + " '" + col.name + "' holds numbers"
                + (col.role.startsWith("regression") ? "; for classes, use a classif.* learner" : ""
                + "; remove or fix the value, or declare the column's type (--types " + col.name + "=categorical)") + ".");
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
          row[col.slot] = v;
          return;
        }
        case LOGICAL: {
          int t = truth(buf, off, len);
          if (t < 0) {
            if (!col.declared) {
              throw new Conflict(index);
            }
            if (col.trainedAs != null) {
              throw error(index, "'" + new String(buf, off, len) + "' is not true or false, but " + col.trainedAs);
            }
            throw error(index, "'" + new String(buf, off, len) + "' is not true or false, which " + col.role + " '" + col.name
                + "' holds. Remove or fix the value.");
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
            if (col.unseen != null && (col.unseen.size() < 20 || col.unseen.containsKey(new String(buf, off, len)))) {
              col.unseen.merge(new String(buf, off, len), 1L, Long::sum);
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

    @Override
    protected Object buildRecord() {
      if (getRecordType() != de.siegmar.fastcsv.reader.RecordType.DATA) {
        return null;
      }
      if (header) {
        return Boolean.TRUE;
      }
      int n = getFieldCount();
      if (n != columns.size()) {
        if (n == 1 && columns.size() > 1 && blankRecord()) {
          return null;
        }
        throw new TorchworkException(what + " line " + line + " has " + n + " values but the header has " + columns.size()
            + " columns (separator '" + printable(format.separator()) + "'). Fix the line so every row has one value per column"
            + (n > columns.size() ? ", and quote values that contain the separator" : "") + ".");
      }
      return Boolean.TRUE;
    }

    /** A record of one empty or blank cell: a line of spaces, skipped as blank lines are. */
    private boolean blankRecord() {
      Column first = columns.get(0);
      if (first.kind == Kind.SKIP) {
        return raw != null && raw[0] != null && raw[0].isBlank();
      }
      return first.kind == Kind.TEXT ? texts[first.slot] == null : Float.isNaN(row[first.slot]);
    }
  }

  static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }

  /** Where the bytes come from: a file, or bytes in memory. */
  interface Source {
    InputStream open() throws IOException;

    /** The first bytes. */
    default byte[] head(int most) throws IOException {
      try (InputStream in = open()) {
        return in.readNBytes(most);
      }
    }

    /** How many lines the source has at most (line breaks, and a last line without one). */
    default long lines() throws IOException {
      long feeds = 0;
      long returns = 0;
      int last = '\n';
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = open()) {
        for (int r; (r = in.read(buffer)) > 0; ) {
          for (int i = 0; i < r; i++) {
            byte b = buffer[i];
            if (b == '\n') {
              feeds++;
            } else if (b == '\r') {
              returns++;
            }
          }
          last = buffer[r - 1];
        }
      }
      // Old Mac files end lines with a carriage return alone.
      long n = Math.max(feeds, returns);
      return last == '\n' || last == '\r' ? n : n + 1;
    }

    static Source of(Path file) {
      return () -> Files.newInputStream(file);
    }

    static Source of(byte[] bytes) {
      return () -> new ByteArrayInputStream(bytes);
    }
  }
}
