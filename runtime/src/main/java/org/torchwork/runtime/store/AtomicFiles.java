package org.torchwork.runtime.store;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.torchwork.api.TorchworkException;

/**
 * Writing that a crash cannot leave half-done: everything is written under a hidden name beside
 * its target, flushed, and renamed into place last.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Temporary files and folders being written; deleted if the process exits before they are done. */
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  /** Held while files are renamed into place, so that an exit waits for the renames to finish. */
  private static final ReentrantLock RENAMING = new ReentrantLock();

  /**
   * The lock to hold while renaming files into place: an orderly exit waits for it before it
   * deletes temporary files, so no rename sequence is cut in the middle.
   *
   * @return the lock
   */
  public static ReentrantLock renaming() {
    return RENAMING;
  }

  private AtomicFiles() {}

  /**
   * Notes a temporary file or folder, so that an orderly exit (Ctrl-C, SIGTERM, System.exit)
   * in the middle of writing it deletes it.
   *
   * @param tmp the temporary file or folder
   * @return {@code tmp}
   */
  public static Path pending(Path tmp) {
    Cleanup.INSTALLED.hashCode();
    PENDING.add(tmp);
    return tmp;
  }

  /** Deletes what is pending when the process exits; installed on first use. */
  private static final class Cleanup {
    static final Thread INSTALLED = new Thread(() -> {
      RENAMING.lock();
      for (Path p : PENDING) {
        try {
          deleteTree(p);
        } catch (IOException e) {
          // the process is ending; nothing more can be done
        }
      }
    }, "torchwork-temporary-files");

    static {
      try {
        Runtime.getRuntime().addShutdownHook(INSTALLED);
      } catch (IllegalStateException e) {
        // already shutting down: nothing new is being written
      }
    }
  }

  /**
   * Forgets a temporary file or folder that was renamed into place or deleted.
   *
   * @param tmp the temporary file or folder
   */
  public static void done(Path tmp) {
    PENDING.remove(tmp);
  }

  /**
   * Creates a new hidden file or folder beside {@code target}, with the permissions the umask
   * gives (as the target itself would get), never one that exists already: the place to write
   * before renaming into place.
   *
   * @param target what will be written
   * @param infix what it is for, e.g. {@code ".tmp-"}
   * @param directory whether to create a folder
   * @return the new file or folder
   * @throws IOException when it cannot be created
   */
  public static Path beside(Path target, String infix, boolean directory) throws IOException {
    String name = target.getFileName().toString();
    int dot = directory ? -1 : name.lastIndexOf('.');
    // A file keeps its extension last (.iris.tmp-1f3a.pt), so tools that go by it still can.
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int attempt = 0; ; attempt++) {
      Path p = target.resolveSibling("." + stem + infix + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE) + extension);
      try {
        return directory ? Files.createDirectory(p) : Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** Writes a file's bytes. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes the bytes.
     *
     * @param out where to write; not to be closed
     * @throws IOException when writing fails
     */
    void write(OutputStream out) throws IOException;
  }

  /** Looks at a file written in full, before it takes its target's place. */
  @FunctionalInterface
  public interface Check {
    /**
     * Checks the file; throwing keeps the target as it was.
     *
     * @param written the complete file, under its temporary name
     * @throws IOException when the file cannot be read
     */
    void check(Path written) throws IOException;
  }

  /**
   * Writes a file atomically: to a hidden file beside the target, flushed to disk, optionally
   * checked, then renamed over the target in one step. A failure at any point (including the
   * check) leaves the target as it was and no temporary file behind.
   *
   * @param target the file
   * @param content writes its bytes
   * @param check looks at the written file before the rename; null for none
   * @throws IOException when writing, checking or renaming fails
   */
  public static void write(Path target, Content content, Check check) throws IOException {
    Path file = target.toAbsolutePath();
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      // Renaming over a device, a pipe or a link would replace it with a plain file.
      throw new FileSystemException(file.toString(), null, "not a regular file (a device, a pipe, a link or a folder)");
    }
    Files.createDirectories(file.getParent());
    Path tmp = pending(beside(file, ".tmp-", false));
    try {
      try (FileOutputStream fos = new FileOutputStream(tmp.toFile())) {
        BufferedOutputStream buffered = new BufferedOutputStream(fos, 1 << 16);
        content.write(buffered);
        buffered.flush();
        fos.getFD().sync();
      }
      if (check != null) {
        check.check(tmp);
      }
      RENAMING.lock();
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        RENAMING.unlock();
      }
      syncDirectory(file.getParent());
    } finally {
      Files.deleteIfExists(tmp);
      done(tmp);
    }
  }

  /**
   * Refuses a target that exists and is not a regular file: a device such as {@code /dev/null}, a
   * pipe, a link or a folder, which writing by rename would replace with a plain file.
   *
   * @param target the file to write
   * @param what how messages name it, e.g. {@code "Predictions file"}
   * @param fix what to do instead
   * @throws TorchworkException naming the file and what it is
   */
  public static void requireReplaceable(Path target, String what, String fix) {
    Path file = target.toAbsolutePath();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    String kind = Files.isSymbolicLink(file) ? "a symbolic link, which Torchwork does not write through"
        : Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? "a folder" : "not a regular file (a device or a pipe)";
    throw new TorchworkException(what + " " + target + " is " + kind + ". Torchwork writes a new file and renames it into place,"
        + " which would replace it. " + fix);
  }

  /**
   * Flushes a folder's entries to disk, where the file system can.
   *
   * @param dir the folder
   */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every file system can sync a directory; the rename is still atomic.
    }
  }

  /**
   * Deletes a file or folder and everything in it, links not followed.
   *
   * @param root what to delete
   * @throws IOException when something cannot be deleted
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException e) {
          // already gone
        }
      }
    }
  }
}
