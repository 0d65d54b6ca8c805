package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/** The binary row cache: built once, the same rows as reading into memory, rebuilt when its source changes, refused when tampered with. */
class RowCacheTest {
  @TempDir Path dir;

  private static float[] rows(Task t) {
    float[] x = new float[t.nrow() * t.nfeatures()];
    int[] all = new int[t.nrow()];
    Arrays.setAll(all, i -> i);
    t.copyFeatures(all, 0, all.length, x);
    return x;
  }

  private Path idx(long seed) throws IOException {
    int[] labels = new int[50];
    byte[][] images = IdxFilesTest.corners(50, 6, seed, labels);
    return IdxFilesTest.write(dir, "train-", images, 6, 6, labels, true);
  }

  @Test
  void anIdxFileStreamsTheRowsItReadsIntoMemoryAndTheCacheIsBuiltOnce() throws IOException {
    Path images = idx(1);
    Task memory = IdxFiles.read(images, null);
    RowCache.Opened first = RowCache.open(images, Map.of(), null);
    assertEquals("there was no cache", first.built());
    assertEquals(dir.resolve("train-images-idx3-ubyte.gz.rows"), first.cache());
    Task streamed = first.task();
    assertTrue(streamed.isStreamed());
    assertEquals(memory.classes(), streamed.classes());
    assertArrayEquals(memory.rowShape(), streamed.rowShape());
    assertArrayEquals(rows(memory), rows(streamed));
    for (int i = 0; i < memory.nrow(); i++) {
      assertEquals(memory.target(i), streamed.target(i));
    }
    // Rows in any order, runs of consecutive rows included, into a direct buffer as the loop reads them.
    int[] order = {7, 8, 9, 3, 49, 0};
    ByteBuffer b = ByteBuffer.allocateDirect(order.length * 36 * 4).order(ByteOrder.nativeOrder());
    streamed.rowSource().orElseThrow().read(order, 0, order.length, b);
    b.flip();
    for (int i = 0; i < order.length; i++) {
      for (int j = 0; j < 36; j++) {
        assertEquals(memory.feature(order[i], j), b.getFloat(), "row " + order[i]);
      }
    }
    // A subset is a view of the same cache.
    Task some = streamed.subset("some", new int[] {4, 2});
    assertTrue(some.isStreamed());
    assertEquals(memory.feature(2, 5), some.feature(1, 5));
    assertEquals(memory.target(4), some.target(0));

    RowCache.Opened again = RowCache.open(images, Map.of(), null);
    assertNull(again.built());
    assertArrayEquals(rows(memory), rows(again.task()));
  }

  @Test
  void aChangedSourceOrSettingRebuildsTheCacheSayingWhatChanged() throws IOException {
    Path images = idx(1);
    Path cache = RowCache.open(images, Map.of(), null).cache();
    FileTime time = Files.getLastModifiedTime(images);
    long size = Files.size(images);
    // Other images of the same size and time: only the bytes tell.
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    int[] labels = new int[50];
    byte[][] pixels = IdxFilesTest.corners(50, 6, 1, labels);
    pixels[10][3] ^= 1;
    Path changed = IdxFilesTest.write(other, "train-", pixels, 6, 6, labels, false);
    Path plain = dir.resolve("plain-images-idx3-ubyte");
    Files.copy(changed, plain);
    Files.copy(other.resolve("train-labels-idx1-ubyte"), dir.resolve("plain-labels-idx1-ubyte"));
    RowCache.Opened before = RowCache.open(plain, Map.of(), null);
    assertEquals("there was no cache", before.built());
    byte[] content = Files.readAllBytes(plain);
    content[16 + 10 * 36 + 3] ^= 1;
    FileTime plainTime = Files.getLastModifiedTime(plain);
    Files.write(plain, content);
    Files.setLastModifiedTime(plain, plainTime);
    RowCache.Opened after = RowCache.open(plain, Map.of(), null);
    assertEquals("the source changed: its bytes changed (same sizes and times)", after.built());
    assertEquals(Math.round(((content[16 + 10 * 36 + 3] & 0xFF) / 255f) * 1e6), Math.round(after.task().feature(10, 3) * 1e6));

    // A new file of another size: the message names the file, its old and new size.
    int[] more = new int[60];
    IdxFilesTest.write(dir, "train-", IdxFilesTest.corners(60, 6, 2, more), 6, 6, more, true);
    RowCache.Opened grown = RowCache.open(images, Map.of(), null);
    assertTrue(grown.built().startsWith("the source changed: was " + images + " " + size + " bytes, modified " + time.toMillis()
        + ", is " + images + " "), grown.built());
    assertEquals(60, grown.task().nrow());
    assertEquals(cache, grown.cache());

    // Read another way: rebuilt too.
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "a;b;y\n1;2;u\n3;4;v\n5;6;u\n");
    assertEquals("there was no cache", RowCache.open(csv, Map.of("target", "y"), TaskType.CLASSIF).built());
    assertNull(RowCache.open(csv, Map.of("target", "y"), TaskType.CLASSIF).built());
    RowCache.Opened dropped = RowCache.open(csv, Map.of("target", "y", "drop", "b"), TaskType.CLASSIF);
    assertEquals("it was read with {target=y}, now with {drop=b, target=y}", dropped.built());
    assertEquals(List.of("a"), dropped.task().featureNames());
  }

  @Test
  void aTamperedOrCutCacheIsRefusedAndLeftAsItIs() throws IOException {
    Path images = idx(3);
    Path cache = RowCache.open(images, Map.of(), null).cache();
    byte[] good = Files.readAllBytes(cache);
    // One bit of one pixel of row 20.
    try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
      f.seek(8 + 20 * 36 * 4 + 2);
      int b = f.read();
      f.seek(8 + 20 * 36 * 4 + 2);
      f.write(b ^ 0x10);
    }
    byte[] tampered = Files.readAllBytes(cache);
    TorchworkException e = assertThrows(TorchworkException.class, () -> RowCache.open(images, Map.of(), null));
    assertEquals("Cache " + cache + " is refused: its bytes do not match the checksum it ends with: it was changed after it was"
        + " written (edited, damaged or cut short). Its rows are not used. Delete it, and it is rebuilt from " + images + ".",
        e.getMessage());
    assertArrayEquals(tampered, Files.readAllBytes(cache));

    // A header edited to say there are fewer classes, or a cache cut short: refused alike.
    String header = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).replace("rows=50", "rows=40");
    Files.write(cache, header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertTrue(assertThrows(TorchworkException.class, () -> RowCache.open(images, Map.of(), null)).getMessage()
        .contains("its bytes do not match the checksum"));
    Files.write(cache, Arrays.copyOf(good, good.length - 100));
    assertTrue(assertThrows(TorchworkException.class, () -> RowCache.open(images, Map.of(), null)).getMessage()
        .contains("its bytes do not match the checksum"));
    Files.write(cache, Arrays.copyOf(good, 12));
    assertTrue(assertThrows(TorchworkException.class, () -> RowCache.open(images, Map.of(), null)).getMessage()
        .contains("is refused: it is shorter than any cache"));
    // Deleted, it is rebuilt.
    Files.delete(cache);
    RowCache.Opened rebuilt = RowCache.open(images, Map.of(), null);
    assertEquals("there was no cache", rebuilt.built());
    assertArrayEquals(rows(IdxFiles.read(images, null)), rows(rebuilt.task()));
  }

  @Test
  void aCsvTableStreamsWhenEveryFeatureIsANumberAndSaysWhereOneIsNot() throws IOException {
    Path csv = dir.resolve("big.csv");
    StringBuilder text = new StringBuilder("id,x1,x2,label\n");
    Random r = new Random(4);
    for (int i = 0; i < 200; i++) {
      text.append("r").append(i).append(',').append(r.nextInt(100) / 10.0).append(',').append(r.nextGaussian())
          .append(',').append(r.nextBoolean() ? "yes" : "no").append('\n');
    }
    Files.writeString(csv, text);
    Task memory = CsvTable.of(csv).set("target", "label").set("id", "id").task(TaskType.CLASSIF);
    RowCache.Opened opened = RowCache.open(csv, Map.of("target", "label", "id", "id"), TaskType.CLASSIF);
    Task streamed = opened.task();
    assertEquals(memory.featureNames(), streamed.featureNames());
    assertEquals(memory.classes(), streamed.classes());
    assertArrayEquals(rows(memory), rows(streamed));
    for (int i = 0; i < 200; i++) {
      assertEquals(memory.target(i), streamed.target(i));
    }
    assertEquals(csv, streamed.source().orElseThrow());
    assertEquals("label", streamed.readSettings().get("target"));

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "x1,x2,y\n1,2,3\n4,five,6\n");
    TorchworkException e = assertThrows(TorchworkException.class, () -> RowCache.open(bad, Map.of("target", "y"), TaskType.REGR));
    assertEquals("Task file " + bad + " line 3, column 'x2': 'five' is not a number, but a streamed table (--stream) takes a number"
        + " in every feature cell; convert categories to numbers and fill in missing values first, or read the file into memory"
        + " (without --stream), which encodes and imputes them.", e.getMessage());
    Files.writeString(bad, "x1,x2,y\n1,2,3\n4,NA,6\n");
    e = assertThrows(TorchworkException.class, () -> RowCache.open(bad, Map.of("target", "y"), TaskType.REGR));
    assertTrue(e.getMessage().startsWith("Task file " + bad + " line 3, column 'x2': the value is missing, but a streamed table"),
        e.getMessage());
    // Nothing half-written is left behind.
    assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().startsWith("bad.csv.rows")).toList());
  }

  @Test
  void anImageFolderStreamsAsItIsReadAndACacheThatCannotBeWrittenSaysWhereToPutIt() throws IOException {
    Path folder = dir.resolve("pics");
    for (String cls : List.of("cat", "dog")) {
      for (int i = 0; i < 3; i++) {
        Files.createDirectories(folder.resolve(cls));
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
        img.setRGB(i, 1, (cls.equals("cat") ? Color.ORANGE : Color.CYAN).getRGB());
        ImageIO.write(img, "png", folder.resolve(cls).resolve(i + ".png").toFile());
      }
    }
    Task memory = ImageFolder.of(folder).set("channels", "3").read().task();
    RowCache.Opened opened = RowCache.open(folder, Map.of("channels", "3"), null);
    assertEquals(dir.resolve("pics.rows"), opened.cache());
    assertArrayEquals(rows(memory), rows(opened.task()));
    assertArrayEquals(new int[] {3, 4, 5}, opened.task().rowShape());
    assertEquals("3", opened.task().readSettings().get("channels"));
    // A new image: the folder changed.
    ImageIO.write(new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB), "png", folder.resolve("dog").resolve("9.png").toFile());
    RowCache.Opened grown = RowCache.open(folder, Map.of("channels", "3"), null);
    assertEquals("the source changed: added dog/9.png", grown.built().replaceFirst(" \\d+ bytes, modified \\d+$", ""));
    assertEquals(7, grown.task().nrow());

    // Through a link to the folder: its images are read and fingerprinted through the link.
    Path link = Files.createSymbolicLink(dir.resolve("linked"), folder);
    RowCache.Opened viaLink = RowCache.open(link, Map.of("channels", "3"), null);
    assertEquals(7, viaLink.task().nrow());
    ImageIO.write(new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB), "png", folder.resolve("cat").resolve("8.png").toFile());
    RowCache.Opened relinked = RowCache.open(link, Map.of("channels", "3"), null);
    assertEquals("the source changed: added cat/8.png", relinked.built().replaceFirst(" \\d+ bytes, modified \\d+$", ""));
    assertEquals(8, relinked.task().nrow());

    // A file that is not a cache, named as the cache, is neither read nor written over.
    Path notes = Files.writeString(dir.resolve("notes.txt"), "my notes");
    TorchworkException foreign = assertThrows(TorchworkException.class,
        () -> RowCache.open(folder, Map.of("channels", "3", "cache", notes.toString()), null));
    assertTrue(foreign.getMessage().startsWith("File " + notes + " is not a Torchwork row cache"), foreign.getMessage());
    assertEquals("my notes", Files.readString(notes));

    Path nowhere = dir.resolve("missing-dir").resolve("c.rows");
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> RowCache.open(folder, Map.of("channels", "3", "cache", nowhere.toString()), null));
    assertTrue(e.getMessage().startsWith("The cache for " + folder + " cannot be written at " + nowhere + ": "), e.getMessage());
    assertTrue(e.getMessage().endsWith("Name a place Torchwork may write it (--cache FILE)."), e.getMessage());
  }

  @Test
  void aViewReadsItsParentsRowsInItsOwnOrder() {
    RowSource parent = new RowSource() {
      @Override
      public int nrow() {
        return 4;
      }

      @Override
      public int width() {
        return 2;
      }

      @Override
      public void read(int[] rows, int from, int to, float[] dest) {
        for (int i = from; i < to; i++) {
          dest[2 * (i - from)] = rows[i];
          dest[2 * (i - from) + 1] = -rows[i];
        }
      }

      @Override
      public String describe() {
        return "test rows";
      }
    };
    Task t = Task.regr("t", "y", List.of("a", "b"), parent, new float[] {0, 1, 2, 3});
    Task v = t.subset("v", new int[] {3, 1});
    assertEquals(3f, v.feature(0, 0));
    assertEquals(-1f, v.feature(1, 1));
    assertEquals(1f, v.target(1));
    assertTrue(t.toString().endsWith("* Rows read from: test rows"), t.toString());
    assertThrows(IndexOutOfBoundsException.class, () -> t.subset("w", new int[] {4}));
  }
}
