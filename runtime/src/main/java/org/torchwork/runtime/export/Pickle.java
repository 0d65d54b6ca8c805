package org.torchwork.runtime.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the subset of Python's pickle protocol 2 that TorchScript archives use ({@code data.pkl}
 * and {@code constants.pkl}): globals, strings, small integers, booleans, tuples, dicts, persistent
 * ids (tensor storages), and the build and reduce calls that make objects and tensors of them.
 */
final class Pickle {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Pickle() {
    out.write(0x80); // PROTO
    out.write(2);
  }

  Pickle global(String module, String name) {
    out.write('c');
    ascii(module + "\n" + name + "\n");
    return this;
  }

  Pickle string(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.write('X'); // BINUNICODE
    int32(bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  Pickle integer(long v) {
    if (v >= 0 && v < 256) {
      out.write('K'); // BININT1
      out.write((int) v);
    } else if (v >= 0 && v < 65536) {
      out.write('M'); // BININT2
      out.write((int) (v & 0xff));
      out.write((int) (v >>> 8));
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      out.write('J'); // BININT
      int32((int) v);
    } else {
      throw new IllegalArgumentException("integer out of range: " + v);
    }
    return this;
  }

  Pickle bool(boolean v) {
    out.write(v ? 0x88 : 0x89); // NEWTRUE, NEWFALSE
    return this;
  }

  Pickle mark() {
    out.write('(');
    return this;
  }

  Pickle tuple() {
    out.write('t');
    return this;
  }

  Pickle emptyTuple() {
    out.write(')');
    return this;
  }

  Pickle emptyDict() {
    out.write('}');
    return this;
  }

  Pickle setItems() {
    out.write('u');
    return this;
  }

  Pickle newObj() {
    out.write(0x81);
    return this;
  }

  Pickle build() {
    out.write('b');
    return this;
  }

  Pickle reduce() {
    out.write('R');
    return this;
  }

  Pickle persistentId() {
    out.write('Q'); // BINPERSID
    return this;
  }

  byte[] stop() {
    out.write('.');
    return out.toByteArray();
  }

  private void ascii(String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  private void int32(int v) {
    out.write(v & 0xff);
    out.write((v >>> 8) & 0xff);
    out.write((v >>> 16) & 0xff);
    out.write((v >>> 24) & 0xff);
  }
}
