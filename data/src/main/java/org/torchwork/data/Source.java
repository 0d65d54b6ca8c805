package org.torchwork.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bytes come from: a file, or bytes in memory. */
interface Source {
  InputStream open() throws IOException;

  /** The first bytes. */
  default byte[] head(int most) throws IOException {
    try (InputStream in = open()) {
      return in.readNBytes(most);
    }
  }

  /** The size in bytes, or -1 when unknown. */
  default long size() throws IOException {
    return -1;
  }

  static Source of(Path file) {
    return new Source() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public long size() throws IOException {
        return Files.size(file);
      }
    };
  }

  static Source of(byte[] bytes) {
    return new Source() {
      @Override
      public InputStream open() {
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public long size() {
        return bytes.length;
      }
    };
  }
}
