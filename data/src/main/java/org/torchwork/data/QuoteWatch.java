package org.torchwork.data;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import org.torchwork.api.TorchworkException;

/**
 * The characters as FastCSV reads them, with their quotes followed as FastCSV follows them (a
 * quote opens a value only at its start; {@code ""} inside is a quote): at the end of the file
 * a value still open is refused, naming the line it opened on, before it could swallow the rest
 * of the file. It also strips a byte-order mark and counts the characters read.
 */
final class QuoteWatch extends FilterReader {
  private final char separator;
  private final String what;
  long chars;
  private long line = 1;
  private long opened;
  private boolean quoted;
  private boolean pending;
  private boolean fieldStart = true;
  private boolean cr;
  private boolean start = true;

  QuoteWatch(Reader in, char separator, String what) {
    super(in);
    this.separator = separator;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    char[] one = new char[1];
    return read(one, 0, 1) < 0 ? -1 : one[0];
  }

  @Override
  public int read(char[] buf, int off, int len) throws IOException {
    int n = in.read(buf, off, len);
    if (n < 0) {
      if (quoted && !pending) {
        throw new TorchworkException(what + " line " + opened + ": a quote opens a value there and never closes, so the rest of"
            + " the file would be read as that one value. Close the quote (a quote inside a quoted value is written \"\"), or"
            + " remove it.");
      }
      return n;
    }
    if (start && n > 0) {
      start = false;
      if (buf[off] == '\uFEFF') {
        System.arraycopy(buf, off + 1, buf, off, n - 1);
        n--;
      }
    }
    chars += n;
    follow(buf, off, off + n);
    return n;
  }

  private void follow(char[] buf, int from, int to) {
    boolean inQuotes = quoted;
    boolean quotePending = pending;
    boolean atStart = fieldStart;
    boolean afterCr = cr;
    long l = line;
    for (int i = from; i < to; i++) {
      char c = buf[i];
      // Most characters are neither quote, separator nor line break: nothing to follow but that a field has begun.
      if (c > '"' && c != separator && !afterCr && !quotePending) {
        atStart &= inQuotes;
        continue;
      }
      if (afterCr) {
        afterCr = false;
        if (c != '\n') {
          l++;
        }
      }
      if (c == '\n') {
        l++;
      } else if (c == '\r') {
        afterCr = true;
      }
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (c == '"') {
            continue;
          }
          inQuotes = false;
        } else {
          if (c == '"') {
            quotePending = true;
          }
          continue;
        }
      }
      if (c == '"' && atStart) {
        inQuotes = true;
        opened = l;
        atStart = false;
      } else {
        atStart = c == separator || c == '\n' || c == '\r';
      }
    }
    quoted = inQuotes;
    pending = quotePending;
    fieldStart = atStart;
    cr = afterCr;
    line = l;
  }
}
