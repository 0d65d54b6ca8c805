package org.torchwork.runtime.store;

import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchwork.api.TorchworkException;

/**
 * The one file format of everything Torchwork keeps, checkpoints and saved models alike: named
 * entries plus a manifest, {@value #MANIFEST}, that lists each entry's size and SHA-256. A
 * bundle is a zip file (checkpoints) or a folder (saved models).
 *
 * <p>Writing is atomic: everything goes to a hidden temporary file or folder beside the target,
 * is flushed to disk, and is renamed into place last, so a crash half-way leaves nothing that
 * looks complete. Reading checks before it trusts: the manifest is bounded in size, every entry
 * must be listed and every listed entry present, each is read no further than its declared size,
 * and its SHA-256 must match before a single byte of it is handed on.
 */
public final class Bundle {
  /** The manifest's name inside a bundle. */
  public static final String MANIFEST = "manifest.json";

  private static final Logger LOG = LoggerFactory.getLogger(Bundle.class);
  static final int MAX_MANIFEST_BYTES = 1 << 20;
  /** How many times its size a zip bundle may inflate to, at the most. */
  private static final long INFLATION = 64;
  private static final long MIN_INFLATED_BYTES = 16 << 20;
  static final int MAX_ENTRIES = 256;
  /** The largest entry a bundle may hold (entries are read into memory). */
  static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 64;
  static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Bundle() {}

  /**
   * A bundle being written: entries in order, then the manifest.
   *
   * @return a writer for a bundle of this kind
   * @param kind what the bundle holds, e.g. {@code "torchwork-model"}; recorded in the manifest and
   *     checked when read
   * @param version the version of that kind's layout
   */
  public static Writer writer(String kind, int version) {
    return new Writer(kind, version);
  }

  /** Collects a bundle's entries; {@link #writeZip} or {@link #writeFolder} writes them. */
  public static final class Writer {
    private final String kind;
    private final int version;
    private final Map<String, AtomicFiles.Content> entries = new LinkedHashMap<>();

    private Writer(String kind, int version) {
      this.kind = kind;
      this.version = version;
    }

    /**
     * Adds an entry.
     *
     * @param name its name: letters, digits, dots, dashes, underscores
     * @param content writes its bytes
     * @return this writer
     */
    public Writer entry(String name, AtomicFiles.Content content) {
      if (!ENTRY_NAME.matcher(name).matches() || name.equals(MANIFEST) || entries.containsKey(name)) {
        throw new IllegalArgumentException("bad or repeated entry name " + name);
      }
      entries.put(name, content);
      return this;
    }

    /**
     * Adds an entry.
     *
     * @param name its name
     * @param bytes its bytes
     * @return this writer
     */
    public Writer entry(String name, byte[] bytes) {
      return entry(name, out -> out.write(bytes));
    }

    /**
     * Writes the bundle as a zip file, replacing the file in one atomic rename.
     *
     * @param file the zip file
     * @throws IOException when writing fails; the previous file, if any, is unchanged
     */
    public void writeZip(Path file) throws IOException {
      AtomicFiles.write(file, out -> {
        ZipOutputStream zip = new ZipOutputStream(out);
        JsonObject listed = new JsonObject();
        for (Map.Entry<String, AtomicFiles.Content> e : entries.entrySet()) {
          zip.putNextEntry(new ZipEntry(e.getKey()));
          listed.add(e.getKey(), writeCounted(zip, e.getValue()));
          zip.closeEntry();
        }
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(manifest(listed));
        zip.closeEntry();
        zip.finish();
      }, null);
    }

    /**
     * Writes the bundle as a folder. The folder must not exist, be empty, or (with
     * {@code overwrite}) hold a bundle of the same kind; see {@link Folders#checkTarget}.
     *
     * @param dir the folder
     * @param overwrite whether to replace a bundle of the same kind
     * @param what how messages name the folder, e.g. {@code "Model folder"}
     * @throws IOException when writing fails; nothing is left that looks complete
     * @throws TorchworkException when the folder may not be written
     */
    public void writeFolder(Path dir, boolean overwrite, String what) throws IOException {
      Path target = dir.toAbsolutePath().normalize();
      Folders.Target state = Folders.checkTarget(target, kind, overwrite, what);
      Path parent = target.getParent();
      Files.createDirectories(parent);
      Path tmp = AtomicFiles.pending(AtomicFiles.beside(target, ".tmp-", true));
      try {
        JsonObject listed = new JsonObject();
        for (Map.Entry<String, AtomicFiles.Content> e : entries.entrySet()) {
          listed.add(e.getKey(), writeFile(tmp.resolve(e.getKey()), e.getValue()));
        }
        writeFile(tmp.resolve(MANIFEST), out -> out.write(manifest(listed)));
        AtomicFiles.syncDirectory(tmp);
        AtomicFiles.renaming().lock();
        try {
          rename(tmp, target, parent, state);
        } finally {
          AtomicFiles.renaming().unlock();
        }
      } finally {
        if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
          AtomicFiles.deleteTree(tmp);
        }
        AtomicFiles.done(tmp);
      }
    }

    /** Puts a written folder in place: the old one (if replaced) moves aside, the new one in, the old one is deleted. */
    private void rename(Path tmp, Path target, Path parent, Folders.Target state) throws IOException {
      if (state == Folders.Target.REPLACE) {
        Path old = AtomicFiles.beside(target, ".old-", true);
        Files.delete(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
          throw e;
        }
        try {
          AtomicFiles.deleteTree(old);
        } catch (IOException e) {
          LOG.warn("The replaced {} was moved to {} but could not be deleted ({}); delete it by hand.", kind, old, e.toString());
        }
      } else {
        // rename(2) replaces an empty directory in one step.
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      AtomicFiles.syncDirectory(parent);
    }

    private byte[] manifest(JsonObject listed) {
      return Manifest.bytes(kind, version, listed);
    }
  }

  /**
   * A bundle read back, every entry verified against the manifest.
   *
   * @param source the zip file or folder
   * @param kind the bundle's kind, from the manifest
   * @param version the version of the kind's layout, from the manifest
   * @param entries the entries' bytes, by name, in the manifest's order
   */
  public record Read(Path source, String kind, int version, Map<String, byte[]> entries) {
    /**
     * An entry that must be there.
     *
     * @param name the entry
     * @param what how messages name the bundle
     * @return its bytes
     * @throws TorchworkException when the bundle lacks it
     */
    public byte[] require(String name, String what) {
      byte[] bytes = entries.get(name);
      if (bytes == null) {
        throw new TorchworkException(what + " " + source + " has no " + name + ", so it is not a complete " + kind
            + ". Use another one, or write it again.");
      }
      return bytes;
    }

    /**
     * An entry that may be there.
     *
     * @param name the entry
     * @return its bytes, or empty
     */
    public Optional<byte[]> find(String name) {
      return Optional.ofNullable(entries.get(name));
    }
  }

  /**
   * Reads and verifies a zip bundle.
   *
   * @param file the zip file
   * @param kind the kind it must be
   * @param what how messages name it, e.g. {@code "Checkpoint"}
   * @param fix what to do when it cannot be used, e.g. {@code "Resume from another checkpoint."}
   * @return the verified entries
   * @throws TorchworkException naming the file, the entry and the cause
   */
  public static Read readZip(Path file, String kind, String what, String fix) {
    if (!Files.isRegularFile(file)) {
      throw new TorchworkException(what + " " + file + (Files.exists(file) ? " is not a regular file." : " does not exist.")
          + " " + fix);
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Map<String, ZipEntry> found = new LinkedHashMap<>();
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        ZipEntry e = all.nextElement();
        if (found.size() >= MAX_ENTRIES) {
          throw refuse(what, file, "holds more than " + MAX_ENTRIES + " entries, more than any " + kind + " has", fix);
        }
        if (found.put(e.getName(), e) != null) {
          throw refuse(what, file, "holds entry " + e.getName() + " twice", fix);
        }
      }
      ZipEntry manifestEntry = found.get(MANIFEST);
      if (manifestEntry == null) {
        throw refuse(what, file, "has no " + MANIFEST + ", so its contents cannot be verified: it is not a " + kind
            + " of this Torchwork (or was written by an older one)", fix);
      }
      Manifest manifest;
      try (InputStream in = zip.getInputStream(manifestEntry)) {
        manifest = Manifest.parse(readBounded(in, MAX_MANIFEST_BYTES, what, file, MANIFEST, fix), kind, what, file, fix);
      }
      manifest.checkListing(new TreeSet<>(found.keySet()), what, file, fix);
      // A zip entry's declared size is the manifest's word only: bound what inflating may produce
      // by the file's own size (parameters barely compress; zeros inflated a thousandfold do).
      long declared = manifest.entries().stream().mapToLong(Manifest.Listed::size).sum();
      long allowed = Math.max(MIN_INFLATED_BYTES, INFLATION * Files.size(file));
      if (declared > allowed) {
        throw refuse(what, file, MANIFEST + " declares " + declared + " bytes of entries in a file of " + Files.size(file)
            + " bytes, more than " + INFLATION + " times its size: it is not a " + kind + " Torchwork wrote", fix);
      }
      Map<String, byte[]> entries = new LinkedHashMap<>();
      for (Manifest.Listed listed : manifest.entries()) {
        try (InputStream in = zip.getInputStream(found.get(listed.name()))) {
          entries.put(listed.name(), listed.verified(in, what, file, fix));
        }
      }
      return new Read(file, manifest.kind(), manifest.version(), entries);
    } catch (ZipException e) {
      throw refuse(what, file, "is not a readable zip file (" + e.getMessage() + ")", fix);
    } catch (IOException e) {
      throw new TorchworkException(what + " " + file + " cannot be read: " + e.getMessage() + ". Check its permissions.", e);
    }
  }

  /**
   * Reads and verifies a folder bundle.
   *
   * @param dir the folder
   * @param kind the kind it must be
   * @param what how messages name it, e.g. {@code "Model folder"}
   * @param fix what to do when it cannot be used
   * @return the verified entries
   * @throws TorchworkException naming the folder, the file and the cause
   */
  public static Read readFolder(Path dir, String kind, String what, String fix) {
    if (!Files.isDirectory(dir)) {
      throw new TorchworkException(what + " " + dir + (Files.exists(dir) ? " is not a folder." : " does not exist.") + " " + fix);
    }
    List<String> names = listNames(dir, what);
    if (!names.contains(MANIFEST)) {
      throw refuse(what, dir, "has no " + MANIFEST + ", so it is not a " + kind
          + (names.isEmpty() ? " (it is empty)" : " (it holds " + String.join(", ", names.subList(0, Math.min(5, names.size())))
              + (names.size() > 5 ? ", ..." : "") + ")"), fix);
    }
    try {
      Manifest manifest;
      try (InputStream in = openRegular(dir.resolve(MANIFEST), what, dir, fix)) {
        manifest = Manifest.parse(readBounded(in, MAX_MANIFEST_BYTES, what, dir, MANIFEST, fix), kind, what, dir, fix);
      }
      manifest.checkListing(new TreeSet<>(names), what, dir, fix);
      for (Manifest.Listed listed : manifest.entries()) {
        BasicFileAttributes file = Files.readAttributes(dir.resolve(listed.name()), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!file.isRegularFile()) {
          throw refuse(what, dir, listed.name() + " is not a regular file (a link, a folder or a device)", fix);
        }
        long size = file.size();
        if (size != listed.size()) {
          throw refuse(what, dir, listed.name() + " has " + size + " bytes but " + MANIFEST + " says " + listed.size()
              + ": it was cut short or changed after it was written", fix);
        }
      }
      Map<String, byte[]> entries = new LinkedHashMap<>();
      for (Manifest.Listed listed : manifest.entries()) {
        try (InputStream in = openRegular(dir.resolve(listed.name()), what, dir, fix)) {
          entries.put(listed.name(), listed.verified(in, what, dir, fix));
        }
      }
      return new Read(dir, manifest.kind(), manifest.version(), entries);
    } catch (IOException e) {
      throw new TorchworkException(what + " " + dir + " cannot be read: " + e.getMessage() + ". Check its permissions.", e);
    }
  }

  private static InputStream openRegular(Path file, String what, Path bundle, String fix) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw refuse(what, bundle, file.getFileName() + " is not a regular file (a link, a folder or a device)", fix);
    }
    return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  }

  /** Reads at most {@code limit} bytes; more than that is refused, never buffered. */
  static byte[] readBounded(InputStream in, long limit, String what, Path bundle, String name, String fix) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 1 << 16));
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    int n;
    while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, limit + 1 - total))) > 0) {
      total += n;
      if (total > limit) {
        throw refuse(what, bundle, name + " is larger than " + (name.equals(MANIFEST) ? "a manifest may be (" + limit + " bytes)"
            : "the " + limit + " bytes " + MANIFEST + " declares"), fix);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static TorchworkException refuse(String what, Path bundle, String why, String fix) {
    return new TorchworkException(what + " " + bundle + ": " + why + ". " + fix);
  }

  static List<String> listNames(Path dir, String what) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        names.add(p.getFileName().toString());
        if (names.size() > MAX_ENTRIES + 1) {
          break;
        }
      }
    } catch (IOException e) {
      throw new TorchworkException(what + " " + dir + " cannot be listed: " + e.getMessage() + ". Check its permissions.", e);
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private static JsonObject writeCounted(OutputStream target, AtomicFiles.Content content) throws IOException {
    MessageDigest digest = sha256();
    long[] count = {0};
    OutputStream counting = new DigestOutputStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        target.write(b);
        count[0]++;
        limit();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
        count[0] += len;
        limit();
      }

      private void limit() throws IOException {
        if (count[0] > MAX_ENTRY_BYTES) {
          throw new IOException("an entry is larger than the " + MAX_ENTRY_BYTES + " bytes a bundle can hold");
        }
      }

      @Override
      public void flush() throws IOException {
        target.flush();
      }
    }, digest);
    content.write(counting);
    counting.flush();
    JsonObject listed = new JsonObject();
    listed.addProperty("size", count[0]);
    listed.addProperty("sha256", HexFormat.of().formatHex(digest.digest()));
    return listed;
  }

  private static JsonObject writeFile(Path file, AtomicFiles.Content content) throws IOException {
    try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
      JsonObject listed = writeCounted(new BufferedOutputStream(fos, 1 << 16), content);
      fos.getFD().sync();
      return listed;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
