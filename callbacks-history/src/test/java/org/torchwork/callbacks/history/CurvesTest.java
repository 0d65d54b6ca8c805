package org.torchwork.callbacks.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;

/** Learning curves drawn from a history table, as PNG and SVG. */
class CurvesTest {
  @TempDir Path tmp;

  /** Ten epochs: a falling loss, a rising accuracy validated every other epoch, a halving learning rate. */
  private static List<Map<String, Object>> history() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int e = 1; e <= 10; e++) {
      Map<String, Object> row = new HashMap<>();
      row.put("epoch", e);
      row.put("lr", 0.01 / (1 << (e / 3)));
      row.put("train.loss", 1.0 / e);
      row.put("valid.classif.acc", e % 2 == 0 ? 0.5 + e / 25.0 : null);
      rows.add(row);
    }
    return rows;
  }

  private static int pixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        n += (image.getRGB(x, y) & 0xffffff) == rgb ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void aPngHasEachCurveInItsColour() throws IOException {
    Path png = tmp.resolve("curves.png");
    Curves.write(history(), "classif.mlp on iris", png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(Curves.WIDTH, image.getWidth());
    assertEquals(Curves.HEIGHT, image.getHeight());
    assertTrue(pixels(image, 0x1f77b4) > 500, "the first series (train.loss) is drawn");
    assertTrue(pixels(image, 0xd62728) > 200, "the second series (valid.classif.acc) is drawn");
    assertTrue(pixels(image, 0x404040) > 100, "the learning rate is drawn, dark grey and dashed");
  }

  @Test
  void anSvgNamesTheAxesAndEverySeriesInItsLegend() throws IOException {
    Path svg = tmp.resolve("curves.svg");
    Curves.write(history(), "classif.mlp on iris", svg);
    String text = Files.readString(svg);
    assertTrue(text.startsWith("<?xml") || text.startsWith("<svg"), text.substring(0, 40));
    // The vertical axes' labels are drawn rotated, as outlines; the rest is text.
    for (String label : List.of("classif.mlp on iris", "epoch", "learning rate", "train.loss", "valid.classif.acc")) {
      assertTrue(text.contains(">" + label + "<"), "the SVG shows '" + label + "'");
    }
  }

  @Test
  void aFileThatIsNotAPictureIsNeverReplacedAndNoTemporaryFileIsLeft() throws IOException {
    Path notes = Files.writeString(tmp.resolve("notes.png"), "my notes");
    TorchworkException e = assertThrows(TorchworkException.class, () -> Curves.write(history(), "t", notes));
    assertEquals("Plot file " + notes + " exists and is not a PNG or SVG picture, so Torchwork does not write over it. Give"
        + " another file, or move it away.", e.getMessage());
    assertEquals("my notes", Files.readString(notes));
    Path png = tmp.resolve("again.png");
    Curves.write(history(), "t", png);
    Curves.write(history(), "t", png);
    try (var s = Files.list(tmp)) {
      assertEquals(List.of("again.png", "notes.png"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void anEmptyHistoryOrAnotherExtensionIsRefused() {
    assertEquals("There are no epochs to plot: the history is empty. Train at least one epoch with the history callback.",
        assertThrows(TorchworkException.class, () -> Curves.write(List.of(), "t", tmp.resolve("c.png"))).getMessage());
    assertEquals("Plot file " + tmp.resolve("c.jpg") + " must end in .png or .svg, which says what to write.",
        assertThrows(TorchworkException.class, () -> Curves.write(history(), "t", tmp.resolve("c.jpg"))).getMessage());
  }
}
