package org.torchwork.runtime.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.torchwork.api.TorchworkException;

/**
 * The checks before a callback writes: a file or folder it claims is never a link, never one of
 * the run's inputs, never a file it did not write, and lies in a folder where a file can be
 * created. They run before training starts, so that a mistake costs nothing.
 */
public final class Outputs {
  private final String owner;
  private final Map<Path, String> inputs;

  /**
   * Checks for one callback.
   *
   * @param owner the callback's id
   * @param inputs the run's input files, absolute and normalized, each with what it is (e.g.
   *     {@code the task's data file})
   */
  public Outputs(String owner, Map<Path, String> inputs) {
    this.owner = owner;
    this.inputs = inputs;
  }

  /**
   * Claims a file (see {@code Context.claimFile}).
   *
   * @param file the file
   * @param param the parameter naming it
   * @param ours whether an existing file was written by the callback
   * @return the file, absolute
   */
  public Path file(Path file, String param, Predicate<Path> ours) {
    Path abs = file.toAbsolutePath().normalize();
    String fix = " Give " + param + " another file.";
    notAnInput(abs, param);
    if (Files.isSymbolicLink(abs)) {
      throw refuse(abs, "it is a symbolic link (to " + target(abs) + "), which Torchwork does not write through." + fix);
    }
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw refuse(abs, (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS) ? "it is a folder"
            : "it is not a regular file (a device, a pipe or a socket)") + "." + fix);
      }
      boolean empty;
      try {
        empty = Files.size(abs) == 0;
      } catch (IOException e) {
        throw refuse(abs, "it cannot be examined (" + e.getMessage() + ")." + fix);
      }
      if (!empty && !ours.test(abs)) {
        throw refuse(abs, "it exists and was not written by " + owner + ", and Torchwork never"
            + " writes over a file it did not create. Move or delete it yourself if you no longer need it, or give " + param
            + " another file.");
      }
    }
    writableFolder(abs.getParent(), abs, param);
    return abs;
  }

  /**
   * Claims a folder (see {@code Context.claimFolder}).
   *
   * @param folder the folder
   * @param param the parameter naming it
   * @return the folder, absolute
   */
  public Path folder(Path folder, String param) {
    Path abs = folder.toAbsolutePath().normalize();
    notAnInput(abs, param);
    if (Files.isSymbolicLink(abs)) {
      throw refuse(abs, "it is a symbolic link (to " + target(abs) + "), which Torchwork does not write through. Give " + param
          + " the folder itself.");
    }
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw refuse(abs, "it is a file, not a folder. Give " + param + " a folder (it is created if missing).");
    }
    writableFolder(abs, abs, param);
    return abs;
  }

  private void notAnInput(Path abs, String param) {
    for (Map.Entry<Path, String> in : inputs.entrySet()) {
      if (same(abs, in.getKey())) {
        throw refuse(abs, "it is " + in.getValue() + ", an input of this run. Give " + param + " another path.");
      }
    }
  }

  private static boolean same(Path a, Path b) {
    try {
      return a.equals(b) || (Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b));
    } catch (IOException e) {
      return false;
    }
  }

  /** Creates the folder and a file in it, and deletes that file: the only sure test, root included. */
  private void writableFolder(Path dir, Path subject, String param) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".torchwork-probe-", "");
      Files.delete(probe);
    } catch (IOException e) {
      throw refuse(subject, "no file can be created in " + dir + " (" + describe(e) + "). Give " + param + " a path in a folder"
          + " you can write to, or fix the folder's permissions.");
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
        + (m == null ? "" : ": " + m);
  }

  private static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      return "?";
    }
  }

  private TorchworkException refuse(Path path, String why) {
    return new TorchworkException(path + " cannot be written: " + why);
  }
}
