package org.torchwork.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The distinct texts of a column, each with a code in the order first seen, looked up straight
 * from the reader's characters: a value already seen costs a hash and a comparison, no string.
 */
final class Levels {
  private final List<String> texts = new ArrayList<>();
  private int[] slots = new int[64];
  private int[] hashes = new int[64];
  private final int limit;

  /**
   * @param limit the most levels kept; {@link #code} returns -2 for a new text beyond it
   */
  Levels(int limit) {
    this.limit = limit;
    Arrays.fill(slots, -1);
  }

  /** Levels given up front (a model's), in code order; new texts are not added. */
  static Levels fixed(List<String> texts) {
    Levels l = new Levels(texts.size());
    for (String t : texts) {
      char[] c = t.toCharArray();
      l.code(c, 0, c.length, true);
    }
    return l;
  }

  /**
   * The code of a text.
   *
   * @param add whether a text not seen yet becomes a new level
   * @return its code; -1 when it is new and {@code add} is false; -2 when it is new and the limit is reached
   */
  int code(char[] buf, int off, int len, boolean add) {
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + buf[i];
    }
    h ^= h >>> 16;
    int mask = slots.length - 1;
    for (int s = h & mask; ; s = (s + 1) & mask) {
      int code = slots[s];
      if (code < 0) {
        if (!add) {
          return -1;
        }
        if (texts.size() >= limit) {
          return -2;
        }
        code = texts.size();
        texts.add(new String(buf, off, len));
        slots[s] = code;
        hashes[s] = h;
        if (texts.size() * 2 > slots.length) {
          grow();
        }
        return code;
      }
      if (hashes[s] == h && equal(texts.get(code), buf, off, len)) {
        return code;
      }
    }
  }

  private static boolean equal(String text, char[] buf, int off, int len) {
    if (text.length() != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (text.charAt(i) != buf[off + i]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    int[] oldSlots = slots;
    int[] oldHashes = hashes;
    slots = new int[oldSlots.length * 2];
    hashes = new int[oldSlots.length * 2];
    Arrays.fill(slots, -1);
    int mask = slots.length - 1;
    for (int i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] >= 0) {
        int s = oldHashes[i] & mask;
        while (slots[s] >= 0) {
          s = (s + 1) & mask;
        }
        slots[s] = oldSlots[i];
        hashes[s] = oldHashes[i];
      }
    }
  }

  /** How many levels there are. */
  int size() {
    return texts.size();
  }

  /** The texts, in code order. */
  List<String> texts() {
    return texts;
  }
}
