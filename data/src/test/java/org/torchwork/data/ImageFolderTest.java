package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/** Folders of PNG and JPEG images, made here: classes from subfolders, sizes, channels, and damage refused. */
class ImageFolderTest {
  @TempDir Path dir;

  private static Path image(Path folder, String name, int w, int h, Color color) throws IOException {
    Files.createDirectories(folder);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, x < w / 2 ? color.getRGB() : Color.BLACK.getRGB());
      }
    }
    Path file = folder.resolve(name);
    ImageIO.write(img, name.endsWith(".png") ? "png" : "jpg", file.toFile());
    return file;
  }

  @Test
  void subfoldersAreClassesAndPixelsComeChannelsFirstScaledToOne() throws IOException {
    image(dir.resolve("red"), "a.png", 4, 2, Color.RED);
    image(dir.resolve("red"), "b.png", 4, 2, Color.RED);
    image(dir.resolve("blue"), "c.png", 4, 2, Color.BLUE);
    Files.writeString(dir.resolve("blue").resolve("notes.txt"), "not an image");
    ImageFolder.Loaded r = ImageFolder.of(dir).read();
    Task t = r.task();
    assertEquals(List.of("blue", "red"), t.classes());
    assertEquals(List.of("blue/c.png", "red/a.png", "red/b.png"), r.files());
    assertArrayEquals(new int[] {3, 2, 4}, t.rowShape());
    assertEquals(0f, t.target(0));
    assertEquals(1f, t.target(1));
    // Row 1 (red/a.png): the red channel's left half is 1, the right half 0; green and blue are 0.
    assertEquals(1f, t.feature(1, 0));
    assertEquals(0f, t.feature(1, 3));
    assertEquals(0f, t.feature(1, 8));
    // Row 0 (blue/c.png): the blue channel (third plane of 8 values) is 1 on the left.
    assertEquals(1f, t.feature(0, 16));
    assertEquals("3", t.readSettings().get("channels"));
  }

  @Test
  void imagesOfManySizesBecomeOneByResizingAndCroppingAndGrayIsOneChannel() throws IOException {
    image(dir.resolve("a"), "wide.jpg", 40, 20, Color.WHITE);
    image(dir.resolve("b"), "tall.png", 20, 30, Color.WHITE);
    assertTrue(assertThrows(TorchworkException.class, () -> ImageFolder.of(dir).read()).getMessage()
        .contains("Images must be of one size: give --resize N and --crop N"));
    Task t = ImageFolder.of(dir).set("resize", "10").set("crop", "10").set("channels", "1").set("mean", "0.5").set("std", "0.5")
        .read().task();
    assertArrayEquals(new int[] {1, 10, 10}, t.rowShape());
    float v = t.feature(0, 0);
    assertTrue(v > 0.9f && v <= 1.0001f, "white after normalization (1 - 0.5) / 0.5: " + v);
  }

  @Test
  void imagesAloneAreATaskToPredictAndDamageIsRefusedNamingTheFile() throws IOException {
    Path alone = dir.resolve("new");
    image(alone, "x.png", 3, 3, Color.GREEN);
    Task t = ImageFolder.of(alone).read().task();
    assertFalse(t.hasTarget());
    Path broken = dir.resolve("broken");
    image(broken.resolve("k"), "ok.png", 3, 3, Color.GREEN);
    Path fake = Files.writeString(broken.resolve("k").resolve("fake.png"), "hello");
    image(broken.resolve("l"), "ok.png", 3, 3, Color.GREEN);
    assertTrue(assertThrows(TorchworkException.class, () -> ImageFolder.of(broken).read()).getMessage()
        .startsWith("Image " + fake + " is not an image Torchwork can decode"));
  }

  /** A PNG whose header declares 100,000 x 100,000 pixels: refused before any pixel is decoded. */
  @Test
  void anImageDeclaringAnEnormousSizeIsRefusedUnread() throws IOException {
    Path folder = dir.resolve("bomb");
    image(folder.resolve("a"), "ok.png", 3, 3, Color.GREEN);
    Files.createDirectories(folder.resolve("b"));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeBytes("IHDR");
    h.writeInt(100_000);
    h.writeInt(100_000);
    h.write(new byte[] {8, 2, 0, 0, 0});
    out.writeInt(13);
    out.write(ihdr.toByteArray());
    CRC32 crc = new CRC32();
    crc.update(ihdr.toByteArray());
    out.writeInt((int) crc.getValue());
    Path bomb = Files.write(folder.resolve("b").resolve("bomb.png"), png.toByteArray());
    assertEquals("Image " + bomb + " declares 100000 x 100000 pixels, beyond 8192 a side; it is not decoded (it would take 37.3 GiB)."
        + " Shrink it first, or remove it.", assertThrows(TorchworkException.class, () -> ImageFolder.of(folder).read()).getMessage());
  }
}
