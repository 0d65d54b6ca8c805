package org.torchwork.data;

/**
 * Parses decimal numbers to 32-bit floats, exactly as {@link Float#parseFloat} does but without
 * its arbitrary-precision path for the common case: a number of at most 18 digits whose value,
 * as an integer times a power of ten, is exact in a double ({@code m <= 2^53}, {@code |e| <= 22}).
 * Then one IEEE multiplication or division rounds it correctly to a double (Clinger's fast path),
 * and rounding that double to a float is exact unless it lies exactly halfway between two
 * floats, or among the subnormal floats; those go to {@link Float#parseFloat}. Other forms Java
 * accepts (hexadecimal, {@code f}/{@code d} suffixes, Infinity, NaN) are not numbers in a table,
 * and are refused.
 */
final class Floats32 {
  private static final double[] POWERS = new double[23];
  private static final long MAX_EXACT = 1L << 53;
  // The 29 low bits of a double's fraction that a float drops; halfway is the top one alone.
  private static final long DROPPED = (1L << 29) - 1;
  private static final long HALFWAY = 1L << 28;
  private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

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
   * @throws NumberFormatException for anything but a plain decimal number
   */
  static float parse(String s) {
    return parse(s.toCharArray(), 0, s.length());
  }

  /**
   * Parses a number from part of a character array, without making a string unless the number
   * needs the exact path.
   *
   * @param buf the characters
   * @param off where the number starts
   * @param len its length
   * @return the float {@link Float#parseFloat} returns for those characters
   * @throws NumberFormatException for anything but a plain decimal number
   */
  static float parse(char[] buf, int off, int len) {
    int n = off + len;
    int i = off;
    boolean negative = false;
    if (i < n && (buf[i] == '-' || buf[i] == '+')) {
      negative = buf[i] == '-';
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int fraction = 0;
    boolean point = false;
    boolean any = false;
    for (; i < n; i++) {
      char c = buf[i];
      if (c >= '0' && c <= '9') {
        any = true;
        if (mantissa == 0 && c == '0') {
          // Leading zeros add no digit.
        } else if (++digits > 18) {
          // 18 digits stay below Long.MAX_VALUE; longer numbers take the exact path.
          return exact(buf, off, len);
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
      return exact(buf, off, len);
    }
    int exponent = 0;
    if (i < n) {
      char c = buf[i];
      if (c != 'e' && c != 'E') {
        return exact(buf, off, len);
      }
      i++;
      boolean negativeExponent = false;
      if (i < n && (buf[i] == '-' || buf[i] == '+')) {
        negativeExponent = buf[i] == '-';
        i++;
      }
      if (i == n) {
        return exact(buf, off, len);
      }
      for (; i < n; i++) {
        char d = buf[i];
        if (d < '0' || d > '9' || exponent > 1000) {
          return exact(buf, off, len);
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
      return exact(buf, off, len);
    }
    double d = scale >= 0 ? mantissa * POWERS[scale] : mantissa / POWERS[-scale];
    long bits = Double.doubleToRawLongBits(d);
    if ((bits & DROPPED) == HALFWAY || d < Float.MIN_NORMAL || d > Float.MAX_VALUE) {
      return exact(buf, off, len);
    }
    float f = (float) d;
    return negative ? -f : f;
  }

  /** Parses what the fast path leaves: plain decimal numbers only, not Java's 0x1p3, 30d or 12f. */
  private static float exact(char[] buf, int off, int len) {
    String s = new String(buf, off, len).strip();
    if (!PLAIN.matcher(s).matches()) {
      throw new NumberFormatException("not a plain decimal number: " + s);
    }
    return Float.parseFloat(s);
  }
}
