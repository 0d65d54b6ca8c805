package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast parser gives Float.parseFloat's float, bit for bit, and refuses what it refuses. */
class Floats32Test {
  private static void same(String s) {
    int expected = Float.floatToRawIntBits(Float.parseFloat(s));
    assertEquals(expected, Float.floatToRawIntBits(Floats32.parse(s)), s);
  }

  @Test
  void randomNumbersInEveryFormatParseToTheSameBits() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float f = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(f)) {
        continue;
      }
      double g = random.nextGaussian() * Math.pow(10, random.nextInt(-12, 12));
      same(Float.toString(f));
      same(Double.toString(g));
      same(String.format(Locale.ROOT, "%." + random.nextInt(0, 12) + "f", g));
      same(String.format(Locale.ROOT, "%." + random.nextInt(0, 12) + "e", g));
      same(Long.toString(random.nextLong(-100_000_000_000L, 100_000_000_000L)));
      // Random digit strings, with as many digits as the fast path takes and more.
      StringBuilder digits = new StringBuilder(random.nextBoolean() ? "-" : "");
      int length = random.nextInt(1, 25);
      for (int d = 0; d < length; d++) {
        digits.append((char) ('0' + random.nextInt(10)));
      }
      digits.insert(random.nextInt(digits.length(), digits.length() + 1) - random.nextInt(0, length + 1), '.');
      same(digits.toString());
      same(digits + "e" + random.nextInt(-30, 30));
    }
  }

  @Test
  void halfwayCasesAndEdgesParseToTheSameBits() {
    // 2^24 + 1 lies halfway between two floats; so do these, which need the exact path.
    for (String s : List.of("16777217", "16777219", "33554434", "33554438", "9007199254740993", "0.5", "1.00000005960464477539",
        "3.4028235e38", "3.4028236e38", "1e39", "1.4e-45", "1e-46", "1.17549435e-38", "1.1754942e-38", "0", "-0", "0.000",
        "-0.0e5", "007", "1e22", "1e23", "123456789e-22", "1234567890123456789", "12345678901234567890", ".5", "5.", "+.5e-3",
        " 1", "1 ", "1e0000000000000000000001")) {
      same(s);
    }
  }

  @Test
  void javasOwnFormsAreNoNumbersInATable() {
    for (String s : List.of("1.5f", "2d", "30D", "0x1p3", "Infinity", "-Infinity", "NaN")) {
      Float.parseFloat(s);
      assertThrows(NumberFormatException.class, () -> Floats32.parse(s), s);
    }
  }

  @Test
  void whatJavaRefusesIsRefused() {
    for (String s : List.of("", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "abc", "--1", "1e5.5")) {
      assertThrows(NumberFormatException.class, () -> Float.parseFloat(s), s);
      assertThrows(NumberFormatException.class, () -> Floats32.parse(s), s);
    }
  }
}
