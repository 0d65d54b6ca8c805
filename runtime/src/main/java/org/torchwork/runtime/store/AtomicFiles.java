package org.torchwork.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writing that a crash cannot leave half-done: everything is written under a hidden name beside
 * its target, flushed, and renamed into place last.
 */
public final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

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
    for (int attempt = 0; ; attempt++) {
      Path p = target.resolveSibling("." + target.getFileName() + infix + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
      try {
        return directory ? Files.createDirectory(p) : Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
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
