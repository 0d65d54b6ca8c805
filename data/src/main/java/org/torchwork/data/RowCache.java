package org.torchwork.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.torchwork.api.RowSource;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * Data larger than memory, streamed: a CSV file, an IDX or NPY file or an image folder converted once
 * into a binary cache of 32-bit floats beside it ({@code data.csv.rows}, {@code images.rows}),
 * whose rows a {@link Task} reads by index as the loop asks for them ({@link Task#isStreamed}).
 *
 * <p>The cache records the source's files (each one's size and modification time) and the
 * SHA-256 of their bytes, and how the source was read. Each time it is opened, the source is
 * hashed again: a cache whose source or settings changed is rebuilt; one whose own bytes do not
 * match the checksum it ends with (edited, damaged, cut short) is refused, never read. A cache is
 * written to a temporary file beside it and moved into place when complete, so a crash leaves no
 * half-written cache.
 *
 * <p>File layout, little-endian: the 8 bytes {@code TWROWS} 0 1; the rows' features, row-major;
 * each row's target; a header (Java properties, UTF-8); the header's offset (8 bytes); the SHA-256
 * of everything before it (32 bytes).
 */
public final class RowCache {
  /** The name a cache gets beside its source: the source's name and this. */
  public static final String SUFFIX = ".rows";
  private static final byte[] MAGIC = {'T', 'W', 'R', 'O', 'W', 'S', 0, 1};
  private static final int TRAILER = 8 + 32;

  private RowCache() {}

  /**
   * A streamed task and where its rows are.
   *
   * @param task the task, reading its features from the cache
   * @param cache the cache file
   * @param built why the cache was written now (e.g. {@code "the source changed: ..."}), or null
   *     when the one there was used
   */
  public record Opened(Task task, Path cache, String built) {}

  /**
   * Opens the cache of a source, building it first when there is none or it no longer matches.
   *
   * @param source a CSV file, an IDX images file, an NPY features file or an image folder
   * @param settings how to read it, as {@link CsvTable#set}, {@link ImageFolder#set} take them,
   *     and {@code labels} for an IDX or NPY file's labels; {@code cache} names the cache file instead of
   *     the one beside the source
   * @param type the task type for a CSV or NPY file; IDX files and folders are classification
   * @return the task over the cache
   * @throws TorchworkException when the source cannot be read as set, the cache cannot be written,
   *     or the cache there is damaged
   */
  public static Opened open(Path source, Map<String, String> settings, TaskType type) {
    Path src = source.toAbsolutePath().normalize();
    Map<String, String> read = new TreeMap<>(settings);
    String given = read.remove("cache");
    Path cache = given != null ? Path.of(given).toAbsolutePath().normalize()
        : src.resolveSibling(src.getFileName() + SUFFIX);
    if (!Files.exists(src)) {
      throw new TorchworkException("Data " + src + " does not exist. Give a CSV file, an IDX images file or an image folder.");
    }
    if (cache.equals(src)) {
      throw new TorchworkException("The cache " + cache + " would be the data itself. Name another file for it (--cache FILE).");
    }
    String kind = ImageFolder.isFolder(src) ? "images" : IdxFiles.isIdx(src) ? "idx" : NpyFiles.isNpy(src) ? "npy" : "csv";
    Fingerprint now = Fingerprint.of(src, kind, read, cache);
    // What the type is recorded as: the one asked for, for the file kinds whose reading depends on it.
    String typeKey = (kind.equals("csv") || kind.equals("npy")) && type != null ? type.toString() : "";
    String reason = "there was no cache";
    if (Files.exists(cache)) {
      // One channel from the check to the mapping: the bytes checked are the bytes read, whatever replaces the file meanwhile.
      try (FileChannel ch = openCache(cache)) {
        Header old = Header.read(ch, cache, src);
        reason = old.staleness(now, kind, read, typeKey);
        if (reason == null) {
          return new Opened(old.task(ch, cache), cache, null);
        }
      } catch (IOException e) {
        throw unreadable(cache, e);
      }
    }
    build(src, kind, read, type, typeKey, now, cache);
    try (FileChannel ch = openCache(cache)) {
      return new Opened(Header.read(ch, cache, src).task(ch, cache), cache, reason);
    } catch (IOException e) {
      throw unreadable(cache, e);
    }
  }

  private static FileChannel openCache(Path cache) {
    try {
      return FileChannel.open(cache, StandardOpenOption.READ);
    } catch (IOException e) {
      throw unreadable(cache, e);
    }
  }

  private static TorchworkException unreadable(Path cache, IOException e) {
    return new TorchworkException("Cache " + cache + " cannot be read: " + reason(e) + ". Name a cache of your own (--cache FILE).",
        e);
  }

  /** Reads the source into a new cache, written beside the final one and moved into place. */
  private static void build(Path src, String kind, Map<String, String> read, TaskType type, String typeKey, Fingerprint fingerprint,
      Path cache) {
    Path dir = cache.getParent();
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, cache.getFileName().toString(), ".tmp");
      // Readable by those who may read the data, not only by its maker as a temporary file is.
      if (Files.getFileAttributeView(src, PosixFileAttributeView.class) != null) {
        Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(src));
        perms.removeAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_EXECUTE));
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OWNER_WRITE);
        Files.setPosixFilePermissions(tmp, perms);
      }
    } catch (IOException e) {
      throw new TorchworkException("The cache for " + src + " cannot be written at " + cache + ": " + reason(e) + ". Name a place"
          + " Torchwork may write it (--cache FILE).", e);
    }
    try {
      try (CacheSink sink = new CacheSink(tmp)) {
        Scanned scanned = scan(src, kind, read, type, sink);
        sink.finish(scanned, fingerprint, kind, read, typeKey);
      }
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | UncheckedIOException e) {
      IOException cause = e instanceof UncheckedIOException ? ((UncheckedIOException) e).getCause() : (IOException) e;
      throw new TorchworkException("The cache for " + src + " cannot be written at " + cache + ": " + reason(cause) + ". Free some"
          + " space, or name another place for it (--cache FILE).", cause);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // Nothing was moved into place; the temporary file's name says what it is.
      }
    }
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static Scanned scan(Path src, String kind, Map<String, String> read, TaskType type, RowSink sink) {
    switch (kind) {
      case "images": {
        ImageFolder folder = ImageFolder.of(src);
        read.forEach((k, v) -> {
          if (!k.equals("format") && !k.equals("labels")) {
            folder.set(k, v);
          }
        });
        return folder.scan(sink, new ArrayList<>());
      }
      case "idx":
        return IdxFiles.scan(src, read.containsKey("labels") ? Path.of(read.get("labels")) : null, sink);
      case "npy":
        return NpyFiles.scan(src, read.containsKey("labels") ? Path.of(read.get("labels")) : null,
            type == null ? TaskType.CLASSIF : type, sink);
      default: {
        CsvTable table = CsvTable.of(src);
        read.forEach((k, v) -> {
          if (!k.equals("format")) {
            table.set(k, v);
          }
        });
        return StreamedCsv.scan(table, type == null ? TaskType.CLASSIF : type, sink);
      }
    }
  }

  /** The files a source consists of, their sizes and times, and the SHA-256 of their bytes. */
  record Fingerprint(List<String> files, String sha256) {
    static Fingerprint of(Path src, String kind, Map<String, String> read, Path cache) {
      List<Path> paths = new ArrayList<>();
      try {
        if (kind.equals("images")) {
          // Linked folders followed, as reading the images follows them; the cache and its temporary files left out.
          String cacheName = cache.getFileName().toString();
          try (Stream<Path> walk = Files.walk(src, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(Files::isRegularFile).filter(p -> !src.relativize(p).toString().matches("(.*/)?\\..*"))
                .filter(p -> !p.getFileName().toString().startsWith(cacheName)).sorted().forEach(paths::add);
          }
        } else {
          paths.add(src);
          Path labels = read.containsKey("labels") ? Path.of(read.get("labels")) : kind.equals("idx") ? IdxFiles.labelsBeside(src)
              : null;
          if (labels != null && Files.isRegularFile(labels)) {
            paths.add(labels.toAbsolutePath().normalize());
          }
        }
        MessageDigest sha = RowCache.sha256();
        List<String> files = new ArrayList<>();
        byte[] buffer = new byte[1 << 16];
        for (Path p : paths) {
          String name = kind.equals("images") ? src.relativize(p).toString() : p.toString();
          files.add(name + " " + Files.size(p) + " bytes, modified " + Files.getLastModifiedTime(p).toMillis());
          sha.update(name.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
          try (InputStream in = Files.newInputStream(p)) {
            for (int k; (k = in.read(buffer)) > 0; ) {
              sha.update(buffer, 0, k);
            }
          }
        }
        return new Fingerprint(files, HexFormat.of().formatHex(sha.digest()));
      } catch (IOException | UncheckedIOException e) {
        throw new TorchworkException("Data " + src + " cannot be read: " + e.getMessage() + ".", e);
      }
    }

    /** The first difference from another fingerprint, for a message: a file added, removed or changed. */
    String change(Fingerprint old) {
      Map<String, String> before = byName(old.files);
      Map<String, String> after = byName(files);
      for (Map.Entry<String, String> e : after.entrySet()) {
        if (!before.containsKey(e.getKey())) {
          return "added " + e.getValue();
        }
      }
      for (Map.Entry<String, String> e : before.entrySet()) {
        if (!after.containsKey(e.getKey())) {
          return "removed " + e.getValue();
        }
      }
      for (Map.Entry<String, String> e : after.entrySet()) {
        if (!e.getValue().equals(before.get(e.getKey()))) {
          return "was " + before.get(e.getKey()) + ", is " + e.getValue();
        }
      }
      return "its bytes changed (same sizes and times)";
    }

    private static Map<String, String> byName(List<String> entries) {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      for (String entry : entries) {
        m.put(entry.replaceFirst(" \\d+ bytes, modified -?\\d+$", ""), entry);
      }
      return m;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A cache's header: what the rows are and what they were read from. */
  private record Header(Properties p, long rows, int width) {
    /** Reads and checks a cache's trailer, checksum and header; refuses one that does not match its checksum. */
    static Header read(FileChannel ch, Path cache, Path src) {
      try {
        long size = ch.size();
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        if (size >= MAGIC.length) {
          readFully(ch, magic, 0);
        }
        if (size < MAGIC.length || !Arrays.equals(Arrays.copyOf(magic.array(), 6), Arrays.copyOf(MAGIC, 6))) {
          throw new TorchworkException("File " + cache + " is not a Torchwork row cache (it does not start with TWROWS), so it is"
              + " neither read nor written over. Name another file for the cache (--cache FILE), or remove this one if it is no"
              + " longer needed.");
        }
        if (size < MAGIC.length + TRAILER) {
          throw damaged(cache, src, "it is shorter than any cache");
        }
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, trailer, size - TRAILER);
        trailer.flip();
        long headerAt = trailer.getLong();
        byte[] expected = new byte[32];
        trailer.get(expected);
        // Every byte before the checksum, read once, in order.
        MessageDigest sha = sha256();
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < size - 32; ) {
          chunk.clear();
          chunk.limit((int) Math.min(chunk.capacity(), size - 32 - at));
          readFully(ch, chunk, at);
          chunk.flip();
          at += chunk.remaining();
          sha.update(chunk);
        }
        if (!MessageDigest.isEqual(expected, sha.digest())) {
          throw damaged(cache, src, "its bytes do not match the checksum it ends with: it was changed after it was written (edited,"
              + " damaged or cut short)");
        }
        if (!Arrays.equals(magic.array(), MAGIC) || headerAt < MAGIC.length || headerAt > size - TRAILER) {
          throw damaged(cache, src, "it is not a cache of this version of Torchwork");
        }
        ByteBuffer text = ByteBuffer.allocate((int) (size - TRAILER - headerAt));
        readFully(ch, text, headerAt);
        Properties p = new Properties();
        p.load(new StringReader(new String(text.array(), StandardCharsets.UTF_8)));
        long rows = Long.parseLong(p.getProperty("rows"));
        int width = Integer.parseInt(p.getProperty("width"));
        if (MAGIC.length + rows * width * Float.BYTES + rows * Float.BYTES != headerAt) {
          throw damaged(cache, src, "its header does not agree with its size");
        }
        return new Header(p, rows, width);
      } catch (IOException | RuntimeException e) {
        if (e instanceof TorchworkException) {
          throw (TorchworkException) e;
        }
        throw damaged(cache, src, "it cannot be read (" + e.getMessage() + ")");
      }
    }

    private static TorchworkException damaged(Path cache, Path src, String why) {
      return new TorchworkException("Cache " + cache + " is refused: " + why + ". Its rows are not used. Delete it, and it is"
          + " rebuilt from " + src + ".");
    }

    /** Why the cache no longer stands for the source as it is now read, or null when it does. */
    String staleness(Fingerprint now, String kind, Map<String, String> read, String typeKey) {
      if (!kind.equals(p.getProperty("kind"))) {
        return "the data is now " + kind;
      }
      Map<String, String> was = prefixed(p, "setting.");
      if (!was.equals(read)) {
        return "it was read with " + was + ", now with " + read;
      }
      if (!p.getProperty("type", "").equals(typeKey)) {
        return "the task type changed";
      }
      if (!now.sha256().equals(p.getProperty("source.sha256"))) {
        return "the source changed: " + now.change(new Fingerprint(list(p.getProperty("source.files")), ""));
      }
      return null;
    }

    Task task(FileChannel ch, Path cache) {
      String typeName = p.getProperty("task.type", "");
      TaskType type = typeName.isEmpty() ? null : TaskType.valueOf(typeName);
      float[] y = new float[Math.toIntExact(rows)];
      try {
        ByteBuffer b = ByteBuffer.allocate(y.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, MAGIC.length + rows * width * Float.BYTES);
        b.flip();
        b.asFloatBuffer().get(y);
      } catch (IOException e) {
        throw new TorchworkException("Cache " + cache + " cannot be read: " + e.getMessage() + ".", e);
      }
      String shape = p.getProperty("shape", "");
      int[] dims = shape.isEmpty() ? null : Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
      Scanned s = new Scanned(p.getProperty("id"), type, type == null ? null : p.getProperty("target"), list(p.getProperty("features")),
          list(p.getProperty("classes")), y, dims, Path.of(p.getProperty("source")), prefixed(p, "read."));
      return s.task(new CacheRows(ch, cache, Math.toIntExact(rows), width));
    }

    private static Map<String, String> prefixed(Properties p, String prefix) {
      Map<String, String> m = new TreeMap<>();
      for (String k : p.stringPropertyNames()) {
        if (k.startsWith(prefix)) {
          m.put(k.substring(prefix.length()), p.getProperty(k));
        }
      }
      return m;
    }
  }

  /** Lists in the header: values separated by a unit separator, which no name holds. */
  private static final char SEP = '\u001f';

  private static String join(List<String> values) {
    return String.join(String.valueOf(SEP), values);
  }

  private static List<String> list(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(String.valueOf(SEP), -1));
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int k = ch.read(b, pos);
      if (k < 0) {
        throw new IOException("the file ends early");
      }
      pos += k;
    }
  }

  /** Writes rows into a new cache file, hashing every byte as it goes. */
  private static final class CacheSink implements RowSink, AutoCloseable {
    private final FileChannel out;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final MessageDigest sha = sha256();
    private int width;
    private long rows;

    CacheSink(Path file) throws IOException {
      this.out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      buffer.put(MAGIC);
    }

    @Override
    public void begin(int n, int w, String what) {
      this.width = w;
    }

    @Override
    public void accept(float[] values, int offset) {
      for (int j = 0; j < width; j++) {
        if (buffer.remaining() < Float.BYTES) {
          flush();
        }
        buffer.putFloat(values[offset + j]);
      }
      rows++;
    }

    private void flush() {
      buffer.flip();
      ByteBuffer view = buffer.duplicate();
      sha.update(view);
      try {
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      buffer.clear();
    }

    /** Writes the targets, the header and the trailer, and forces all to disk. */
    void finish(Scanned s, Fingerprint fingerprint, String kind, Map<String, String> read, String typeKey) throws IOException {
      try {
        for (float t : s.y()) {
          if (buffer.remaining() < Float.BYTES) {
            flush();
          }
          buffer.putFloat(t);
        }
        flush();
        long headerAt = MAGIC.length + rows * width * Float.BYTES + rows * Float.BYTES;
        Properties p = new Properties();
        p.setProperty("format", "1");
        p.setProperty("kind", kind);
        p.setProperty("rows", Long.toString(rows));
        p.setProperty("width", Integer.toString(width));
        p.setProperty("id", s.id());
        p.setProperty("type", typeKey);
        p.setProperty("task.type", s.type() == null ? "" : s.type().name());
        if (s.target() != null) {
          p.setProperty("target", s.target());
        }
        p.setProperty("features", join(s.features()));
        p.setProperty("classes", join(s.classes()));
        if (s.shape() != null) {
          p.setProperty("shape", String.join(",", Arrays.stream(s.shape()).mapToObj(Integer::toString).toList()));
        }
        p.setProperty("source", s.source().toAbsolutePath().normalize().toString());
        p.setProperty("source.files", join(fingerprint.files()));
        p.setProperty("source.sha256", fingerprint.sha256());
        read.forEach((k, v) -> p.setProperty("setting." + k, v));
        s.settings().forEach((k, v) -> p.setProperty("read." + k, v));
        StringWriter text = new StringWriter();
        p.store(text, "Torchwork row cache of " + s.source());
        // The header may be larger than the buffer (a name per feature, a line per image): written on its own.
        write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
        write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerAt));
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        while (digest.hasRemaining()) {
          out.write(digest);
        }
        out.force(true);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    /** Hashes and writes bytes that do not go through the buffer (which is empty then). */
    private void write(ByteBuffer bytes) throws IOException {
      sha.update(bytes.duplicate());
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * The rows of a cache file, memory-mapped: a row is copied out of the kernel's page cache
   * without a system call, so a batch of rows in any order costs little more than the copy. The
   * mapped pages are the file's, shared and given back by the kernel under memory pressure; the
   * Java heap holds none of them. The file is mapped in segments of whole rows, each under 2 GiB.
   */
  static final class CacheRows implements RowSource {
    private static final long SEGMENT = 1L << 30;
    private final Path file;
    private final int nrow;
    private final int width;
    private final int rowBytes;
    private final int rowsPerSegment;
    private final ByteBuffer[] segments;

    CacheRows(FileChannel ch, Path file, int nrow, int width) {
      this.file = file;
      this.nrow = nrow;
      this.width = width;
      if ((long) width * Float.BYTES > SEGMENT) {
        throw new TorchworkException("Cache " + file + " has rows of " + width + " values, more than " + (SEGMENT >> 20) + " MiB a row."
            + " Give rows of fewer values.");
      }
      this.rowBytes = width * Float.BYTES;
      this.rowsPerSegment = (int) Math.min(nrow == 0 ? 1 : nrow, SEGMENT / rowBytes);
      int count = nrow == 0 ? 0 : (nrow + rowsPerSegment - 1) / rowsPerSegment;
      this.segments = new ByteBuffer[count];
      try {
        for (int k = 0; k < count; k++) {
          long first = (long) k * rowsPerSegment;
          long rows = Math.min(rowsPerSegment, nrow - first);
          // A mapping outlives its channel; it is released when the task that reads it is collected.
          segments[k] = ch.map(FileChannel.MapMode.READ_ONLY, MAGIC.length + first * rowBytes, rows * rowBytes)
              .order(ByteOrder.LITTLE_ENDIAN);
        }
      } catch (IOException e) {
        throw new TorchworkException("Cache " + file + " cannot be opened: " + e.getMessage() + ".", e);
      }
    }

    @Override
    public int nrow() {
      return nrow;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public void read(int[] rows, int from, int to, float[] dest) {
      for (int i = from; i < to; i++) {
        int r = rows[i];
        java.util.Objects.checkIndex(r, nrow);
        ByteBuffer segment = segments[r / rowsPerSegment];
        int at = (r % rowsPerSegment) * rowBytes;
        int base = (i - from) * width;
        try {
          for (int j = 0; j < width; j++) {
            dest[base + j] = segment.getFloat(at + j * Float.BYTES);
          }
        } catch (InternalError e) {
          throw changed(e);
        }
      }
    }

    private TorchworkException changed(InternalError e) {
      return new TorchworkException("Cache " + file + " was changed while it was read (cut short or written over). Leave a cache"
          + " alone while a run reads it; Torchwork itself replaces one only by moving a complete new file into its place.", e);
    }

    @Override
    public void read(int[] rows, int from, int to, ByteBuffer dest) {
      if (dest.order() != ByteOrder.LITTLE_ENDIAN) {
        float[] values = new float[(to - from) * width];
        read(rows, from, to, values);
        dest.asFloatBuffer().put(values);
        dest.position(dest.position() + values.length * Float.BYTES);
        return;
      }
      int at = dest.position();
      if (dest.remaining() < (long) (to - from) * rowBytes) {
        throw new java.nio.BufferOverflowException();
      }
      try {
        for (int i = from; i < to; i++) {
          int r = rows[i];
          java.util.Objects.checkIndex(r, nrow);
          // Absolute copies: the mapped segments' positions never move, so threads may read at once.
          dest.put(at, segments[r / rowsPerSegment], (r % rowsPerSegment) * rowBytes, rowBytes);
          at += rowBytes;
        }
      } catch (InternalError e) {
        // What the JVM makes of a fault in mapped memory: the file was cut short under the mapping.
        throw changed(e);
      }
      dest.position(at);
    }

    @Override
    public String describe() {
      return "cache " + file;
    }
  }
}
