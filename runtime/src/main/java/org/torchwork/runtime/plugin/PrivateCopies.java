package org.torchwork.runtime.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.torchwork.runtime.store.AtomicFiles;

/**
 * Private copies of plugin jars: each jar is copied once, bounded in size, into a folder only this
 * process can write, and hashed as it is copied. The allow-list, the checks and the module layer
 * all use the copy, so the bytes that were checked are the bytes that run, whatever happens to the
 * original afterwards. The folder is deleted when the process ends; one left by a process that was
 * killed is deleted by the next start.
 */
final class PrivateCopies {
  /** The largest plugin jar read. */
  static final long MAX_JAR_BYTES = 512L << 20;
  /** The most entries a plugin jar may have. */
  static final int MAX_ENTRIES = 100_000;
  /** The least, and the most, that a jar's entries may inflate to in all. */
  static final long MIN_INFLATED = 16L << 20;
  static final long MAX_INFLATED = 1L << 30;
  /** How many times its own size a jar's entries may inflate to. */
  static final int INFLATION_RATIO = 50;
  private static final String PREFIX = "torchwork-plugins-";

  private Path dir;
  private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

  /** A jar copied and hashed. */
  record Copy(Path original, Path copy, String sha256, long size) {}

  /** What a jar's classes were found to do, and its manifest's main attributes. */
  record Scan(Optional<String> problem, List<String> warnings, java.util.jar.Attributes manifest) {
    Scan(Optional<String> problem, List<String> warnings) {
      this(problem, warnings, new java.util.jar.Attributes());
    }
  }

  /**
   * Copies a regular file, links not followed, hashing the bytes copied.
   *
   * @param jar the jar, its links resolved
   * @param folder a name for the plugin's own subfolder, so that jars keep their file names
   * @return the copy
   * @throws IOException when the jar cannot be read or is too large
   */
  Copy copy(Path jar, String folder) throws IOException {
    Path into = Files.createDirectories(dir().resolve(count.getAndIncrement() + "-" + folder));
    Path copy = into.resolve(jar.getFileName().toString());
    MessageDigest sha = sha256();
    long size;
    try (InputStream in = Files.newInputStream(jar, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        OutputStream out = new DigestOutputStream(Files.newOutputStream(copy, StandardOpenOption.CREATE_NEW), sha)) {
      size = in.transferTo(new BoundedOutput(out, MAX_JAR_BYTES, jar));
    }
    return new Copy(jar, copy, HexFormat.of().formatHex(sha.digest()), size);
  }

  /**
   * Reads every entry of a copied jar to its end, so that a zip bomb is caught here, bounded,
   * rather than by the module system; checks the class-file versions and notes calls that end the
   * whole process.
   *
   * @param copy the copy
   * @return a problem, or none, and warnings
   */
  static Scan scan(Copy copy) {
    String name = copy.original().getFileName().toString();
    long limit = Math.min(MAX_INFLATED, Math.max(MIN_INFLATED, INFLATION_RATIO * copy.size()));
    int supported = Runtime.version().feature();
    List<String> warnings = new ArrayList<>();
    try (JarFile file = new JarFile(copy.copy().toFile(), false)) {
      if (file.size() > MAX_ENTRIES) {
        return new Scan(Optional.of(name + " has " + file.size() + " entries; a plugin jar may have at most " + MAX_ENTRIES
            + ". Remove it, or split it into several jars in a folder of their own."), warnings);
      }
      long inflated = 0;
      byte[] buffer = new byte[1 << 16];
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        boolean isClass = e.getName().endsWith(".class");
        ByteArrayOutputStream classBytes = isClass ? new ByteArrayOutputStream() : null;
        try (InputStream in = file.getInputStream(e)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            inflated += n;
            if (inflated > limit) {
              return new Scan(Optional.of(name + " inflates to more than " + limit + " bytes (" + e.getName() + " and those before"
                  + " it), from " + copy.size() + " bytes: a zip bomb, or a jar far larger than any plugin. Remove it."), warnings);
            }
            if (classBytes != null) {
              classBytes.write(buffer, 0, n);
            }
          }
        }
        if (classBytes != null) {
          Optional<String> problem = checkClass(name, e.getName(), classBytes.toByteArray(), supported, warnings);
          if (problem.isPresent()) {
            return new Scan(problem, warnings);
          }
        }
      }
      // Its main attributes, so that the jar need not be opened again for them.
      java.util.jar.Manifest manifest = file.getManifest();
      return new Scan(Optional.empty(), warnings, manifest == null ? new java.util.jar.Attributes() : manifest.getMainAttributes());
    } catch (IOException | SecurityException e) {
      return new Scan(Optional.of(name + " is not a readable jar (" + e.getMessage() + "). Rebuild or re-download it, or remove"
          + " it."), warnings);
    }
  }

  private static Optional<String> checkClass(String jar, String entry, byte[] bytes, int supported, List<String> warnings) {
    boolean classFile = bytes.length >= 8 && (bytes[0] & 0xff) == 0xCA && (bytes[1] & 0xff) == 0xFE && (bytes[2] & 0xff) == 0xBA
        && (bytes[3] & 0xff) == 0xBE;
    if (!classFile) {
      return Optional.of(jar + " holds " + entry + ", which is not a class file. Rebuild or re-download the jar, or remove it.");
    }
    if (versioned(entry) <= supported) {
      int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
      int java = major - 44;
      if (java > supported) {
        return Optional.of(jar + " was compiled for Java " + java + " (class file version " + major + ", " + entry + "), but"
            + " Torchwork runs on Java " + supported + ". Rebuild it with --release " + supported + " (maven.compiler.release),"
            + " or run Torchwork on Java " + java + " or newer.");
      }
    }
    String cls = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    boolean system = hasUtf8(bytes, "java/lang/System");
    boolean runtime = hasUtf8(bytes, "java/lang/Runtime");
    if ((system || runtime) && hasUtf8(bytes, "exit") && hasUtf8(bytes, "(I)V")) {
      warnings.add(cls + " may call System.exit, which ends Torchwork without finishing the run");
    }
    if (runtime && hasUtf8(bytes, "halt")) {
      warnings.add(cls + " may call Runtime.halt, which ends Torchwork at once: no callback's on_exit runs and nothing is saved");
    }
    return Optional.empty();
  }

  /** Whether a class file's constant pool holds exactly this string (tag 1, length, bytes). */
  private static boolean hasUtf8(byte[] bytes, String s) {
    byte[] want = s.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + 3 + want.length <= bytes.length; i++) {
      if (bytes[i] != 1 || bytes[i + 1] != (byte) (want.length >> 8) || bytes[i + 2] != (byte) want.length) {
        continue;
      }
      for (int j = 0; j < want.length; j++) {
        if (bytes[i + 3 + j] != want[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int versioned(String name) {
    if (!name.startsWith("META-INF/versions/")) {
      return 0;
    }
    String rest = name.substring("META-INF/versions/".length());
    int slash = rest.indexOf('/');
    try {
      return slash < 0 ? 0 : Integer.parseInt(rest.substring(0, slash));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private synchronized Path dir() throws IOException {
    if (dir == null) {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      deleteStale(tmp);
      // createTempDirectory makes it readable and writable by this user only.
      dir = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
      Path made = dir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          AtomicFiles.deleteTree(made);
        } catch (IOException e) {
          // Left for the next start to delete.
        }
      }, "torchwork-plugin-copies"));
    }
    return dir;
  }

  /** Deletes the copies left by processes of this user that no longer run (killed, or halted). */
  private static void deleteStale(Path tmp) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(tmp, PREFIX + "*")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        try {
          long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
          if (ProcessHandle.of(pid).isEmpty() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
              && Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(Path.of("/proc/self")))) {
            AtomicFiles.deleteTree(p);
          }
        } catch (NumberFormatException | NoSuchFileException | UnsupportedOperationException e) {
          // not ours, or gone already
        }
      }
    } catch (IOException e) {
      // Stale copies are only litter; never a reason not to start.
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** A jar beyond the size a plugin jar may have. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }

  /** Stops a copy at a size limit. */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private final long limit;
    private final Path source;
    private long written;

    BoundedOutput(OutputStream out, long limit, Path source) {
      this.out = out;
      this.limit = limit;
      this.source = source;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      written += len;
      if (written > limit) {
        throw new TooLarge(source.getFileName() + " is larger than " + limit + " bytes, the most a plugin jar may be. Remove"
            + " it, or split it into several jars in a folder of their own.");
      }
      out.write(b, off, len);
    }
  }
}
