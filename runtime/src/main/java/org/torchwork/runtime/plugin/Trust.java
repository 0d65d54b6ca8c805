package org.torchwork.runtime.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a file of the plugins directory deserves trust, judged the way ssh judges its keys: the
 * file, and every folder above it up to the root, must be owned by the user running Torchwork or
 * by root, and writable by nobody else. A folder others may write to passes only when it is
 * sticky and owned by root or the user (as {@code /tmp} is), since then no one else can rename or
 * replace what is in it.
 */
final class Trust {
  private static final int GROUP_WRITE = 0020;
  private static final int OTHERS_WRITE = 0002;
  private static final int STICKY = 01000;

  private final int uid;
  private final String user;

  private Trust(int uid, String user) {
    this.uid = uid;
    this.user = user;
  }

  /** The trust of the user this process runs as. */
  static Trust ofThisProcess() {
    try {
      // /proc/self belongs to the process's effective user.
      Path self = Path.of("/proc/self");
      return new Trust((Integer) Files.getAttribute(self, "unix:uid"), Files.getOwner(self).getName());
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // No /proc: a file this process creates belongs to its user too.
      try {
        Path probe = Files.createTempFile("torchwork-uid-", "");
        try {
          return new Trust((Integer) Files.getAttribute(probe, "unix:uid"), Files.getOwner(probe).getName());
        } finally {
          Files.deleteIfExists(probe);
        }
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException notPosix) {
        // Not a POSIX file system: ownership and permissions cannot be judged here.
        return new Trust(-1, System.getProperty("user.name"));
      }
    }
  }

  /** Whether ownership and permissions can be read here at all (a POSIX file system on Linux). */
  boolean enforced() {
    return uid >= 0;
  }

  /**
   * What is wrong with trusting a file or folder, links not followed.
   *
   * @param p the file or folder
   * @param parent whether it is a folder above the plugin, which may be a sticky shared folder
   * @return the problem with its fix, or empty
   */
  Optional<String> problem(Path p, boolean parent) {
    if (!enforced()) {
      return Optional.empty();
    }
    int owner;
    int mode;
    String ownerName;
    try {
      owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      ownerName = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
    } catch (IOException e) {
      return Optional.of(p + " cannot be examined (" + e.getMessage() + "). Check that you may read it and the folders above it.");
    }
    if (owner != uid && owner != 0) {
      return Optional.of(p + " is owned by user " + ownerName + ", not by you (" + user + ") or root, so user " + ownerName
          + " could change the code Torchwork runs. If you trust it, run 'chown " + user + " " + p + "'; otherwise remove it.");
    }
    boolean writable = (mode & (GROUP_WRITE | OTHERS_WRITE)) != 0;
    if (writable && !(parent && (mode & STICKY) != 0)) {
      return Optional.of(p + " is writable by other users (" + permissions(mode) + "), so anyone on this machine could"
          + " change the code Torchwork runs. Run 'chmod go-w " + p + "', or pass --allow-writable-plugins if you trust"
          + " everyone who can write there.");
    }
    return Optional.empty();
  }

  /**
   * What is wrong with trusting the folders that hold {@code p}, up to the root.
   *
   * @param p a file or folder, its links resolved
   * @return the first problem, or empty
   */
  Optional<String> parents(Path p) {
    for (Path dir = p.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
      Optional<String> problem = problem(dir, true);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static String permissions(int mode) {
    StringBuilder sb = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (0400 >> i)) != 0 ? letters.charAt(i) : '-');
    }
    if ((mode & STICKY) != 0) {
      sb.setCharAt(8, sb.charAt(8) == 'x' ? 't' : 'T');
    }
    return sb.toString();
  }
}
