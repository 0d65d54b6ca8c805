package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/** IDX files as MNIST ships them, generated small: read, labels found beside, damage refused. */
public class IdxFilesTest {
  @TempDir Path dir;

  /**
   * Writes an images file and its labels beside it, by the standard names.
   *
   * @param dir the folder
   * @param prefix e.g. {@code train-}
   * @param pixels each image's bytes, n x height x width
   * @param height the images' height
   * @param width their width
   * @param labels each image's label
   * @param gzip whether to gzip both files
   * @return the images file
   * @throws IOException when writing fails
   */
  public static Path write(Path dir, String prefix, byte[][] pixels, int height, int width, int[] labels, boolean gzip)
      throws IOException {
    String suffix = gzip ? ".gz" : "";
    Path images = dir.resolve(prefix + "images-idx3-ubyte" + suffix);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0x00000803);
    out.writeInt(pixels.length);
    out.writeInt(height);
    out.writeInt(width);
    for (byte[] image : pixels) {
      out.write(image);
    }
    store(images, bytes.toByteArray(), gzip);
    if (labels != null) {
      bytes.reset();
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.write(l);
      }
      store(dir.resolve(prefix + "labels-idx1-ubyte" + suffix), bytes.toByteArray(), gzip);
    }
    return images;
  }

  private static void store(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(content);
    }
  }

  /**
   * Images of a bright square in one of two corners, with noise: class 0 top left, 1 bottom right.
   *
   * @param n how many
   * @param size their side
   * @param seed the noise's seed
   * @param labels receives each image's class
   * @return the images' bytes
   */
  public static byte[][] corners(int n, int size, long seed, int[] labels) {
    Random r = new Random(seed);
    byte[][] images = new byte[n][size * size];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          boolean lit = labels[i] == 0 ? y < size / 2 && x < size / 2 : y >= size / 2 && x >= size / 2;
          images[i][y * size + x] = (byte) Math.min(255, (lit ? 180 : 20) + r.nextInt(60));
        }
      }
    }
    return images;
  }

  @Test
  void imagesAndTheirLabelsBesideAreReadAsATaskOfImageRows() throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      int[] labels = {3, 1, 3, 7};
      byte[][] pixels = {{0, (byte) 255, 10, 20, 30, 40}, {1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {(byte) 200, 0, 0, 0, 0, 1}};
      Path images = write(dir, gzip ? "gz-" : "raw-", pixels, 2, 3, labels, gzip);
      assertTrue(IdxFiles.isIdx(images));
      Task t = IdxFiles.read(images, null);
      assertEquals(TaskType.CLASSIF, t.type());
      assertEquals(4, t.nrow());
      assertEquals(6, t.nfeatures());
      assertArrayEquals(new int[] {1, 2, 3}, t.rowShape());
      assertEquals(List.of("1", "3", "7"), t.classes());
      assertEquals(1f, t.target(0));
      assertEquals(2f, t.target(3));
      assertEquals(1f, t.feature(0, 1));
      assertEquals(10 / 255f, t.feature(0, 2));
      assertEquals(200 / 255f, t.feature(3, 0));
      assertEquals(gzip ? "gz-images" : "raw-images", t.id());
    }
  }

  @Test
  void imagesWithoutLabelsAreATaskToPredict() throws IOException {
    Path images = write(dir, "new-", new byte[][] {{1, 2, 3, 4}}, 2, 2, null, false);
    Task t = IdxFiles.read(images, null);
    assertFalse(t.hasTarget());
    assertNull(IdxFiles.labelsBeside(dir.resolve("pictures.idx")));
  }

  @Test
  void damagedOrForeignFilesAreRefusedNamingTheFile() throws IOException {
    int[] labels = {0, 1};
    Path images = write(dir, "t-", new byte[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, 2, 2, labels, false);
    byte[] whole = Files.readAllBytes(images);
    Path truncated = Files.write(dir.resolve("cut-images-idx3-ubyte"), java.util.Arrays.copyOf(whole, whole.length - 3));
    assertEquals("Images file " + truncated + " is truncated: it declares 2 images of 2 x 2 but ends in image 2. Use a complete copy"
        + " of the file.", assertThrows(TorchworkException.class, () -> IdxFiles.read(truncated, dir.resolve("t-labels-idx1-ubyte")))
        .getMessage());
    Path csv = Files.writeString(dir.resolve("x-images-idx3-ubyte"), "a,b\n1,2\n");
    assertTrue(assertThrows(TorchworkException.class, () -> IdxFiles.read(csv, null)).getMessage()
        .startsWith("Images file " + csv + " is not an IDX file"));
    Path other = write(dir, "o-", new byte[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 9, 9, 9}}, 2, 2, new int[] {0, 1, 1}, false);
    assertEquals("Labels file " + dir.resolve("o-labels-idx1-ubyte") + " holds 3 labels for 2 images. Give the labels file of these"
        + " images (--labels FILE).", assertThrows(TorchworkException.class,
        () -> IdxFiles.read(images, dir.resolve("o-labels-idx1-ubyte"))).getMessage());
    assertTrue(other.toString().endsWith("o-images-idx3-ubyte"));
    assertEquals("Images file " + dir.resolve("t-labels-idx1-ubyte") + " has 1 dimension(s); an images file has 3 (images, height,"
        + " width). Give the images file.", assertThrows(TorchworkException.class,
        () -> IdxFiles.read(dir.resolve("t-labels-idx1-ubyte"), null)).getMessage());
  }
}
