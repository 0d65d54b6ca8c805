package org.torchwork.runtime.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.torchwork.api.TorchworkException;

/**
 * Where a folder bundle may be written, checked before any work is done: never over files
 * Torchwork did not write, and never a file inside a bundle's folder.
 */
public final class Folders {
  private Folders() {}

  /** What writing a folder will do to what is there now. */
  public enum Target {
    /** Nothing is there, or an empty folder: the bundle takes its place. */
    CREATE,
    /** A bundle of the same kind is there and {@code overwrite} was given: it is replaced. */
    REPLACE
  }

  /**
   * Checks, before any work is done, that a folder bundle can be written at {@code dir}: it does
   * not exist, is an empty folder, or holds a bundle of the same kind and {@code overwrite} is
   * given; and its parent folder can be created and written to.
   *
   * @param dir the folder
   * @param kind the bundle's kind
   * @param overwrite whether a bundle of the same kind may be replaced
   * @param what how messages name the folder, e.g. {@code "Model folder"}
   * @return what writing will do
   * @throws TorchworkException naming the folder, why not, and the fix
   */
  public static Target checkTarget(Path dir, String kind, boolean overwrite, String what) {
    Path target = dir.toAbsolutePath().normalize();
    if (target.getParent() == null) {
      throw new TorchworkException(what + " " + dir + " cannot be the root directory. Give a folder such as models/iris.");
    }
    Target state = Target.CREATE;
    if (Files.isSymbolicLink(target)) {
      throw new TorchworkException(what + " " + dir + " is a symbolic link; Torchwork does not write through links. Give"
          + " the real folder's path, or a new folder.");
    }
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        throw new TorchworkException(what + " " + dir + " is a file, not a folder. Give a new folder, e.g. " + dir + ".model.");
      }
      List<String> names = Bundle.listNames(target, what);
      if (!names.isEmpty()) {
        Optional<Manifest> existing = names.contains(Bundle.MANIFEST) ? manifestOf(target, kind) : Optional.empty();
        if (existing.isEmpty()) {
          throw new TorchworkException(what + " " + dir + " is not empty and does not hold a " + kind + " (it holds "
              + first(names) + "), so writing there could destroy files Torchwork did not create. Give a new or empty folder.");
        }
        if (!overwrite) {
          throw new TorchworkException(what + " " + dir + " already holds a " + kind + ". Give another folder, or"
              + " --overwrite (overwrite=true in Java) to replace it.");
        }
        List<String> others = new ArrayList<>(names);
        others.remove(Bundle.MANIFEST);
        existing.get().entries().forEach(e -> others.remove(e.name()));
        if (!others.isEmpty()) {
          throw new TorchworkException(what + " " + dir + " holds a " + kind + " but also " + first(others) + ", which Torchwork"
              + " did not write there; replacing the folder would destroy " + (others.size() > 1 ? "them" : "it") + ". Move "
              + (others.size() > 1 ? "them" : "it") + " elsewhere, or give another folder.");
        }
        state = Target.REPLACE;
      }
    }
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
      Files.delete(AtomicFiles.beside(target, ".probe-", true));
    } catch (IOException e) {
      throw new TorchworkException(what + " " + dir + " cannot be written: its parent folder " + parent + " "
          + (e instanceof FileAlreadyExistsException ? "is a file" : "is not writable (" + e.getMessage() + ")")
          + ". Choose a folder you can write to.", e);
    }
    return state;
  }

  /**
   * Refuses a file to be written inside a bundle folder of a kind, where it would make the bundle
   * fail its check (its manifest lists every file there).
   *
   * @param file the file to write
   * @param kind the kind of bundle
   * @param what how messages name the file, e.g. {@code "Predictions file"}
   * @throws TorchworkException naming the folder
   */
  public static void refuseInside(Path file, String kind, String what) {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && manifestOf(parent, kind).isPresent()) {
      throw new TorchworkException(what + " " + file + " is inside the folder of a " + kind + " (" + parent + "), which must hold"
          + " only what its manifest.json lists; writing there would make it fail its check. Write the file elsewhere.");
    }
  }

  /** The manifest of the bundle of a kind in a folder; empty when there is none that can be read. */
  private static Optional<Manifest> manifestOf(Path dir, String kind) {
    Path manifest = dir.resolve(Bundle.MANIFEST);
    if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(manifest, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(Manifest.parse(Bundle.readBounded(in, Bundle.MAX_MANIFEST_BYTES, "", dir, Bundle.MANIFEST, ""), kind, "", dir, ""));
    } catch (IOException | TorchworkException e) {
      return Optional.empty();
    }
  }

  private static String first(List<String> names) {
    return String.join(", ", names.subList(0, Math.min(5, names.size()))) + (names.size() > 5 ? ", ..." : "");
  }
}
