package org.torchwork.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;

/**
 * The verified file format: damaged and planted bundles are built for real here (flipped bits, cut
 * and grown entries, extra and missing files, links, bad manifests, zip bombs) and refused with
 * the bundle and the entry named, before any of their bytes are used.
 */
class BundleTest {
  private static final String KIND = "test-bundle";
  private static final String FIX = "Write it again.";

  @TempDir Path tmp;

  private static Bundle.Writer sample() {
    return Bundle.writer(KIND, 3)
        .entry("meta.json", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8))
        .entry("data.bin", out -> {
          for (int i = 0; i < 5000; i++) {
            out.write(i);
          }
        });
  }

  private Bundle.Read readFolder(Path dir) {
    return Bundle.readFolder(dir, KIND, "Test folder", FIX);
  }

  private TorchworkException refusedFolder(Path dir) {
    return assertThrows(TorchworkException.class, () -> readFolder(dir));
  }

  @Test
  void aFolderReadsBackWhatWasWritten() throws IOException {
    Path dir = tmp.resolve("b");
    sample().writeFolder(dir, false, "Test folder");
    Bundle.Read read = readFolder(dir);
    assertEquals(KIND, read.kind());
    assertEquals(3, read.version());
    assertEquals(List.of("meta.json", "data.bin"), List.copyOf(read.entries().keySet()));
    assertEquals(5000, read.require("data.bin", "Test folder").length);
    assertEquals(List.of("data.bin", "manifest.json", "meta.json"), names(dir));
    assertEquals(List.of("b"), names(tmp), "no temporary folder is left beside it");
  }

  @Test
  void aZipReadsBackWhatWasWritten() throws IOException {
    Path file = tmp.resolve("b.zip");
    sample().writeZip(file);
    Bundle.Read read = Bundle.readZip(file, KIND, "Test zip", FIX);
    assertArrayEquals("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), read.require("meta.json", "Test zip"));
  }

  @Test
  void aFlippedBitInAnyEntryIsRefusedNamingTheEntry() throws IOException {
    for (String entry : List.of("meta.json", "data.bin")) {
      Path dir = tmp.resolve("flip-" + entry);
      sample().writeFolder(dir, false, "Test folder");
      byte[] bytes = Files.readAllBytes(dir.resolve(entry));
      bytes[bytes.length / 2] ^= 0x10;
      Files.write(dir.resolve(entry), bytes);
      TorchworkException e = refusedFolder(dir);
      assertTrue(e.getMessage().startsWith("Test folder " + dir + ": " + entry + " does not match its SHA-256 in manifest.json"),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("it was changed after it was written. " + FIX), e.getMessage());
    }
  }

  @Test
  void aFlippedBitInTheManifestIsRefused() throws IOException {
    Path dir = tmp.resolve("b");
    sample().writeFolder(dir, false, "Test folder");
    String manifest = Files.readString(dir.resolve("manifest.json"));
    // Change one hex digit of a recorded hash: the entry no longer matches.
    int at = manifest.indexOf("\"sha256\": \"") + 11;
    char c = manifest.charAt(at);
    Files.writeString(dir.resolve("manifest.json"), manifest.substring(0, at) + (c == '0' ? '1' : '0') + manifest.substring(at + 1));
    assertTrue(refusedFolder(dir).getMessage().contains("does not match its SHA-256 in manifest.json"));
  }

  @Test
  void aMissingAnExtraAndATruncatedEntryAreEachRefused() throws IOException {
    Path missing = tmp.resolve("missing");
    sample().writeFolder(missing, false, "Test folder");
    Files.delete(missing.resolve("data.bin"));
    assertEquals("Test folder " + missing + ": data.bin is listed in manifest.json but missing. " + FIX,
        refusedFolder(missing).getMessage());

    Path extra = tmp.resolve("extra");
    sample().writeFolder(extra, false, "Test folder");
    Files.writeString(extra.resolve("notes.txt"), "mine");
    assertEquals("Test folder " + extra + ": notes.txt is not listed in manifest.json, so Torchwork did not write it there"
        + " (remove it if you put it there yourself). " + FIX, refusedFolder(extra).getMessage());

    Path cut = tmp.resolve("cut");
    sample().writeFolder(cut, false, "Test folder");
    byte[] bytes = Files.readAllBytes(cut.resolve("data.bin"));
    Files.write(cut.resolve("data.bin"), java.util.Arrays.copyOf(bytes, 100));
    assertTrue(refusedFolder(cut).getMessage().contains("data.bin has 100 bytes but manifest.json says 5000: it was cut short"));

    Path longer = tmp.resolve("longer");
    sample().writeFolder(longer, false, "Test folder");
    Files.write(longer.resolve("data.bin"), new byte[10], java.nio.file.StandardOpenOption.APPEND);
    assertTrue(refusedFolder(longer).getMessage().contains("data.bin has 5010 bytes but manifest.json says 5000"));
  }

  @Test
  void aSymlinkInPlaceOfAnEntryIsNotFollowed() throws IOException {
    Path dir = tmp.resolve("b");
    sample().writeFolder(dir, false, "Test folder");
    Path real = Files.move(dir.resolve("data.bin"), tmp.resolve("elsewhere.bin"));
    Files.createSymbolicLink(dir.resolve("data.bin"), real);
    assertTrue(refusedFolder(dir).getMessage().contains("data.bin is not a regular file (a link, a folder or a device)"));
  }

  @Test
  void aFolderWithoutManifestOrWithAnotherKindIsNotABundle() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("a.csv"), "x\n1\n");
    assertEquals("Test folder " + plain + ": has no manifest.json, so it is not a " + KIND + " (it holds a.csv). " + FIX,
        refusedFolder(plain).getMessage());

    Path other = tmp.resolve("other");
    Bundle.writer("another-kind", 1).entry("x", new byte[1]).writeFolder(other, false, "Test folder");
    assertEquals("Test folder " + other + ": it holds a another-kind, not a " + KIND + ". " + FIX, refusedFolder(other).getMessage());
  }

  @Test
  void aManifestThatIsNotJsonTooDeepOrTooLargeIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(dir.resolve("manifest.json"), "{\"format\": ");
    assertTrue(refusedFolder(dir).getMessage().contains("manifest.json is not valid JSON"));

    Files.writeString(dir.resolve("manifest.json"), "[".repeat(100_000) + "]".repeat(100_000));
    assertTrue(refusedFolder(dir).getMessage().contains("manifest.json is not valid JSON"));

    try (FileOutputStream out = new FileOutputStream(dir.resolve("manifest.json").toFile())) {
      byte[] spaces = new byte[1 << 16];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 20; i++) {
        out.write(spaces);
      }
    }
    assertTrue(refusedFolder(dir).getMessage().contains("manifest.json is larger than a manifest may be (1048576 bytes)"));

    Files.writeString(dir.resolve("manifest.json"),
        "{\"format\": \"" + KIND + "\", \"version\": 1, \"entries\": {\"x\": {\"size\": -4, \"sha256\": \"" + "0".repeat(64) + "\"}}}");
    assertTrue(refusedFolder(dir).getMessage().contains("entry x has size -4"));

    Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"" + KIND + "\", \"version\": 1, \"entries\": {\"../x\": {}}}");
    assertTrue(refusedFolder(dir).getMessage().contains("lists an entry named '../x'"));

    Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"" + KIND + "\", \"entries\": {}}");
    assertTrue(refusedFolder(dir).getMessage().contains("manifest.json has no number field \"version\""));
  }

  @Test
  void aZipBombIsNotInflatedBeyondTheDeclaredSize() throws IOException {
    Path good = tmp.resolve("good.zip");
    sample().writeZip(good);
    // Rebuild the zip with data.bin replaced by 1 GiB of zeros (about 1 MiB compressed).
    Path bomb = tmp.resolve("bomb.zip");
    try (ZipFile in = new ZipFile(good.toFile()); ZipOutputStream out = new ZipOutputStream(new FileOutputStream(bomb.toFile()))) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new ZipEntry(e.getName()));
        if (e.getName().equals("data.bin")) {
          byte[] zeros = new byte[1 << 20];
          for (int i = 0; i < 1024; i++) {
            out.write(zeros);
          }
        } else {
          out.write(in.getInputStream(e).readAllBytes());
        }
        out.closeEntry();
      }
    }
    assertTrue(Files.size(bomb) < 5 << 20, "the bomb is small on disk");
    TorchworkException e = assertThrows(TorchworkException.class, () -> Bundle.readZip(bomb, KIND, "Test zip", FIX));
    // Reading stopped one byte past the declared size: the rest was never inflated.
    assertEquals("Test zip " + bomb + ": data.bin is larger than the 5000 bytes manifest.json declares. " + FIX, e.getMessage());
  }

  @Test
  void aManifestThatDeclaresMoreThanTheZipCouldHoldIsRefusedBeforeInflating() throws IOException {
    // 1 GiB of zeros deflates to about 1 MiB; a manifest that declares it (with a hash to match)
    // would have the reader hold it all. It is refused from the sizes alone.
    Path bomb = tmp.resolve("declared.zip");
    byte[] zeros = new byte[1 << 20];
    java.security.MessageDigest sha = Bundle.sha256();
    for (int i = 0; i < 1024; i++) {
      sha.update(zeros);
    }
    String hash = java.util.HexFormat.of().formatHex(sha.digest());
    try (ZipOutputStream out = new ZipOutputStream(new FileOutputStream(bomb.toFile()))) {
      out.putNextEntry(new ZipEntry("data.bin"));
      for (int i = 0; i < 1024; i++) {
        out.write(zeros);
      }
      out.closeEntry();
      out.putNextEntry(new ZipEntry("manifest.json"));
      out.write(("{\"format\": \"" + KIND + "\", \"version\": 1, \"entries\": {\"data.bin\": {\"size\": " + (1L << 30)
          + ", \"sha256\": \"" + hash + "\"}}}").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    TorchworkException e = assertThrows(TorchworkException.class, () -> Bundle.readZip(bomb, KIND, "Test zip", FIX));
    assertEquals("Test zip " + bomb + ": manifest.json declares 1073741824 bytes of entries in a file of " + Files.size(bomb)
        + " bytes, more than 64 times its size: it is not a " + KIND + " Torchwork wrote. " + FIX, e.getMessage());
  }

  @Test
  void overwriteReplacesOnlyAFolderThatHoldsNothingButTheBundle() throws IOException {
    Path dir = tmp.resolve("b");
    sample().writeFolder(dir, false, "Test folder");
    Files.createDirectories(dir.resolve("notes"));
    Files.writeString(dir.resolve("notes/log.txt"), "mine");
    Files.writeString(dir.resolve("predictions.csv"), "mine too");
    TorchworkException e = assertThrows(TorchworkException.class, () -> sample().writeFolder(dir, true, "Test folder"));
    assertEquals("Test folder " + dir + " holds a " + KIND + " but also notes, predictions.csv, which Torchwork did not write"
        + " there; replacing the folder would destroy them. Move them elsewhere, or give another folder.", e.getMessage());
    assertEquals("mine", Files.readString(dir.resolve("notes/log.txt")));
    assertEquals("mine too", Files.readString(dir.resolve("predictions.csv")));

    // A manifest that only claims the kind, beside files it does not list, is no licence either.
    Path planted = Files.createDirectories(tmp.resolve("planted"));
    Files.writeString(planted.resolve("manifest.json"), "{\"format\": \"" + KIND + "\", \"version\": 1, \"entries\": {}}");
    Files.writeString(planted.resolve("thesis.tex"), "years of work");
    e = assertThrows(TorchworkException.class, () -> sample().writeFolder(planted, true, "Test folder"));
    assertTrue(e.getMessage().contains("but also thesis.tex, which Torchwork did not write there"), e.getMessage());
    assertEquals("years of work", Files.readString(planted.resolve("thesis.tex")));
  }

  @Test
  void writingAFolderRefusesToDestroyWhatTorchworkDidNotWrite() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("train.csv"), "x,y\n1,2\n");
    TorchworkException e = assertThrows(TorchworkException.class, () -> sample().writeFolder(data, true, "Test folder"));
    assertEquals("Test folder " + data + " is not empty and does not hold a " + KIND + " (it holds train.csv), so writing"
        + " there could destroy files Torchwork did not create. Give a new or empty folder.", e.getMessage());
    assertEquals("x,y\n1,2\n", Files.readString(data.resolve("train.csv")), "overwrite never touches a folder that is not a bundle");

    Path file = Files.writeString(tmp.resolve("file"), "keep");
    assertThrows(TorchworkException.class, () -> sample().writeFolder(file, true, "Test folder"));
    assertEquals("keep", Files.readString(file));

    Path link = Files.createSymbolicLink(tmp.resolve("link"), data);
    e = assertThrows(TorchworkException.class, () -> sample().writeFolder(link, true, "Test folder"));
    assertTrue(e.getMessage().contains("is a symbolic link; Torchwork does not write through links"), e.getMessage());
  }

  @Test
  void aBundleIsReplacedOnlyWithOverwrite() throws IOException {
    Path dir = tmp.resolve("b");
    sample().writeFolder(dir, false, "Test folder");
    TorchworkException e = assertThrows(TorchworkException.class, () -> sample().writeFolder(dir, false, "Test folder"));
    assertEquals("Test folder " + dir + " already holds a " + KIND + ". Give another folder, or --overwrite (overwrite=true in"
        + " Java) to replace it.", e.getMessage());
    Bundle.writer(KIND, 4).entry("only.txt", new byte[] {7}).writeFolder(dir, true, "Test folder");
    assertEquals(4, readFolder(dir).version());
    assertEquals(List.of("manifest.json", "only.txt"), names(dir));
    assertEquals(List.of("b"), names(tmp), "the replaced bundle is gone, no temporary folder is left");
  }

  @Test
  void aWriteThatDiesHalfWayLeavesNothingThatLooksComplete() throws IOException {
    Path dir = tmp.resolve("b");
    Bundle.Writer dies = Bundle.writer(KIND, 1).entry("a.bin", new byte[100]).entry("b.bin", out -> {
      out.write(new byte[4096]);
      throw new IOException("disk gone");
    });
    assertThrows(IOException.class, () -> dies.writeFolder(dir, false, "Test folder"));
    assertEquals(List.of(), names(tmp), "neither the folder nor a temporary one is there");

    sample().writeFolder(dir, false, "Test folder");
    assertThrows(IOException.class, () -> dies.writeFolder(dir, true, "Test folder"));
    assertEquals(Map.of("meta.json", 8, "data.bin", 5000), sizes(readFolder(dir)), "the previous bundle is intact");
    assertEquals(List.of("b"), names(tmp));
  }

  private static Map<String, Integer> sizes(Bundle.Read read) {
    Map<String, Integer> sizes = new java.util.HashMap<>();
    read.entries().forEach((k, v) -> sizes.put(k, v.length));
    return sizes;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theParentFolderMustBeWritable() throws IOException {
    Path parent = Files.writeString(tmp.resolve("not-a-dir"), "x");
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> Folders.checkTarget(parent.resolve("model"), KIND, false, "Test folder"));
    assertTrue(e.getMessage().startsWith("Test folder " + parent.resolve("model") + " cannot be written: its parent folder"),
        e.getMessage());
    assertFalse(Files.isDirectory(parent));
  }
}
