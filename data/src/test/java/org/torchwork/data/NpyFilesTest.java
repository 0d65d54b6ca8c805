package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/** NPY arrays as numpy.save writes them (version 1.0 headers padded to 64 bytes), built here byte by byte. */
class NpyFilesTest {
  @TempDir Path dir;

  /** Writes an array: its descr (e.g. {@code <f4}), shape, and values already in that type's bytes. */
  static Path npy(Path file, String descr, boolean fortran, long[] shape, byte[] values) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + tuple + ", }";
    int total = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.put(values);
    Files.write(file, b.array());
    return file;
  }

  static byte[] floats(ByteOrder order, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  static byte[] longs(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long l : v) {
      b.putLong(l);
    }
    return b.array();
  }

  @Test
  void rowsAlongTheFirstDimensionKeepTheirShapeAndLabelsBecomeClassesInNumericOrder() throws IOException {
    float[] x = new float[4 * 2 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 10f;
    }
    Path features = npy(dir.resolve("x.npy"), "<f4", false, new long[] {4, 2, 3}, floats(ByteOrder.LITTLE_ENDIAN, x));
    Path labels = npy(dir.resolve("y.npy"), "<i8", false, new long[] {4}, longs(10, 2, 10, 2));
    Task t = NpyFiles.read(features, labels, TaskType.CLASSIF);
    assertEquals(List.of("2", "10"), t.classes());
    assertArrayEquals(new int[] {2, 3}, t.rowShape());
    assertEquals(1f, t.target(0));
    assertEquals(0f, t.target(1));
    assertEquals(0.7f, t.feature(1, 1));
    assertEquals("v1", t.featureNames().get(0));

    // Big-endian doubles, bytes and booleans are numbers too; a 2-d array is a flat table.
    ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.5).putDouble(-2);
    Task table = NpyFiles.read(npy(dir.resolve("d.npy"), ">f8", false, new long[] {2, 1}, doubles.array()),
        npy(dir.resolve("r.npy"), "<f4", false, new long[] {2}, floats(ByteOrder.LITTLE_ENDIAN, 0.5f, 0.25f)), TaskType.REGR);
    assertFalse(table.hasRowShape());
    assertEquals(List.of("x1"), table.featureNames());
    assertEquals(-2f, table.feature(1, 0));
    assertEquals(0.25f, table.target(1));
    Task bytes = NpyFiles.read(npy(dir.resolve("u.npy"), "|u1", false, new long[] {1, 3}, new byte[] {0, (byte) 200, 7}), null, null);
    assertFalse(bytes.hasTarget());
    assertEquals(200f, bytes.feature(0, 1));

    // Streamed through the cache: the same rows.
    Task streamed = RowCache.open(features, Map.of("labels", labels.toString()), TaskType.CLASSIF).task();
    assertTrue(streamed.isStreamed());
    assertEquals(t.classes(), streamed.classes());
    assertArrayEquals(t.rowShape(), streamed.rowShape());
    float[] a = new float[24];
    float[] b = new float[24];
    int[] all = {0, 1, 2, 3};
    t.copyFeatures(all, 0, 4, a);
    streamed.copyFeatures(all, 0, 4, b);
    assertArrayEquals(a, b);
  }

  @Test
  void aCacheOfRowsSoWideThatItsHeaderOutgrowsTheWriteBufferIsWrittenAndRead() throws IOException {
    int width = 200_000;
    float[] x = new float[2 * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 1000;
    }
    Path wide = npy(dir.resolve("wide.npy"), "<f4", false, new long[] {2, width}, floats(ByteOrder.LITTLE_ENDIAN, x));
    Path labels = npy(dir.resolve("wide-y.npy"), "<f4", false, new long[] {2}, floats(ByteOrder.LITTLE_ENDIAN, 1.5f, 2.5f));
    RowCache.Opened opened = RowCache.open(wide, Map.of("labels", labels.toString()), TaskType.REGR);
    assertTrue(Files.size(opened.cache()) - 8L * width > 1 << 20, "a header of more than 1 MiB");
    assertEquals(width, opened.task().nfeatures());
    assertEquals(999f, opened.task().feature(1, 199_999));
    assertEquals(2.5f, opened.task().target(1));
    assertEquals(null, RowCache.open(wide, Map.of("labels", labels.toString()), TaskType.REGR).built());
  }

  @Test
  void arraysTorchworkCannotTakeAreRefusedSayingWhatToSave() throws IOException {
    Path fortran = npy(dir.resolve("f.npy"), "<f4", true, new long[] {2, 2}, floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4));
    assertEquals("Features file " + fortran + " is stored in Fortran order. Save it in C order:"
        + " numpy.save(f, numpy.ascontiguousarray(a)).",
        assertThrows(TorchworkException.class, () -> NpyFiles.read(fortran, null, null)).getMessage());
    Path complex = npy(dir.resolve("c.npy"), "<c8", false, new long[] {1, 1}, new byte[8]);
    assertTrue(assertThrows(TorchworkException.class, () -> NpyFiles.read(complex, null, null)).getMessage()
        .contains("holds an array of a type Torchwork does not read"));
    Path cut = npy(dir.resolve("t.npy"), "<f4", false, new long[] {3, 2}, floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4));
    assertEquals("Features file " + cut + " is truncated: it declares 3 rows but ends in row 3. Use a complete copy of the file.",
        assertThrows(TorchworkException.class, () -> NpyFiles.read(cut, null, null)).getMessage());
    Path nan = npy(dir.resolve("n.npy"), "<f4", false, new long[] {1, 2}, floats(ByteOrder.LITTLE_ENDIAN, 1, Float.NaN));
    assertTrue(assertThrows(TorchworkException.class, () -> NpyFiles.read(nan, null, null)).getMessage()
        .startsWith("Features file " + nan + " row 1, value 2: NaN is not a finite number."));
    Path flat = npy(dir.resolve("v.npy"), "<f4", false, new long[] {2}, floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
    assertTrue(assertThrows(TorchworkException.class, () -> NpyFiles.read(flat, null, null)).getMessage()
        .contains("Reshape it, e.g. a.reshape(-1, 1)."));
    Path x = npy(dir.resolve("x.npy"), "<f4", false, new long[] {2, 1}, floats(ByteOrder.LITTLE_ENDIAN, 1, 2));
    Path three = npy(dir.resolve("y.npy"), "<i8", false, new long[] {3}, longs(0, 1, 0));
    assertEquals("Labels file " + three + " holds an array of shape [3] for 2 rows. Give one label per row: an array of shape (2,).",
        assertThrows(TorchworkException.class, () -> NpyFiles.read(x, three, TaskType.CLASSIF)).getMessage());
    Path fractions = npy(dir.resolve("z.npy"), "<f4", false, new long[] {2}, floats(ByteOrder.LITTLE_ENDIAN, 0.5f, 1));
    assertTrue(assertThrows(TorchworkException.class, () -> NpyFiles.read(x, fractions, TaskType.CLASSIF)).getMessage()
        .endsWith("fractions among them: a regression target, not classes. Use a regr.* learner."));
    Path text = dir.resolve("a.npy");
    Files.writeString(text, "a,b\n1,2\n");
    assertTrue(assertThrows(TorchworkException.class, () -> NpyFiles.read(text, null, null)).getMessage()
        .contains("is not an NPY file"));
    assertTrue(NpyFiles.isNpy(x));
    assertFalse(NpyFiles.isNpy(dir.resolve("missing.csv")));
  }
}
