package org.torchwork.runtime.store;

import com.google.gson.JsonParseException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.torchwork.api.TorchworkException;

/**
 * A checkpoint folder belongs to one run. {@code run.json} names the run that owns it; a lock on
 * {@code .torchwork.lock} keeps a second process (or a second run in this one) out while a run
 * writes; temporary files of saves cut short by a crash are deleted when the next run claims the
 * folder.
 */
public final class CheckpointFolder implements Closeable {
  /** The file naming the run that owns the folder. */
  public static final String RUN_FILE = "run.json";
  private static final String LOCK_FILE = ".torchwork.lock";
  private static final Pattern TEMPORARY = Pattern.compile("\\.(checkpoint-[0-9+]+|run)\\.tmp-[0-9a-f]+\\.(zip|json)");
  private static final long MAX_RUN_FILE = 1 << 20;
  /** The folders claimed by runs of this process. */
  private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

  /**
   * Who owns a checkpoint folder.
   *
   * @param run the run's id
   * @param learner the learner's id
   * @param callbacks the run's callbacks
   * @param settings the learner parameters a resume must keep
   * @param started when the run started
   */
  public record Owner(String run, String learner, List<String> callbacks, Map<String, String> settings, String started) {}

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private CheckpointFolder(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /**
   * Claims a folder for a run's checkpoints.
   *
   * @param dir the folder, already checked with {@link Outputs#folder}
   * @param param the parameter naming it
   * @param fresh whether to delete another run's checkpoints rather than refuse
   * @param me the run claiming it
   * @param resumedFrom the checkpoint this run resumed from, or null
   * @return the claimed folder, locked until closed
   */
  public static CheckpointFolder claim(Path dir, String param, boolean fresh, Owner me, Path resumedFrom) {
    String where = "Checkpoint folder " + dir;
    // Checked before opening the lock file: closing a second channel on it would release this
    // process's lock (POSIX locks belong to the process), letting another process in.
    if (!CLAIMED.add(dir)) {
      throw new TorchworkException(where + " is in use by another run in this process, which is writing checkpoints to it."
          + " Two runs in one folder would overwrite each other's checkpoints: give " + param + " another folder.");
    }
    try {
      return lock(dir, where, param, fresh, me, resumedFrom);
    } catch (RuntimeException e) {
      CLAIMED.remove(dir);
      throw e;
    }
  }

  private static CheckpointFolder lock(Path dir, String where, String param, boolean fresh, Owner me, Path resumedFrom) {
    FileChannel channel = null;
    FileLock lock;
    try {
      channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = holder(channel);
        channel.close();
        throw new TorchworkException(where + " is in use by another run" + holder + ", which is writing checkpoints to it."
            + " Two runs in one folder would overwrite each other's checkpoints: wait for that run to end, or give " + param
            + " another folder.");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new TorchworkException(where + " cannot be locked for this run (" + e.getMessage() + "). Give " + param
          + " a folder on a local disk that you can write to.", e);
    }
    CheckpointFolder claimed = new CheckpointFolder(dir, channel, lock);
    try {
      claimed.deleteTemporaries();
      claimed.takeOver(param, fresh, me, resumedFrom);
      return claimed;
    } catch (IOException e) {
      claimed.close();
      throw new TorchworkException(where + " cannot be prepared for this run: " + e + ". Check its permissions.", e);
    } catch (RuntimeException e) {
      claimed.close();
      throw e;
    }
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      return pid.matches("\\d+") ? " (process " + pid + (pid.equals(String.valueOf(ProcessHandle.current().pid()))
          ? ", this one" : "") + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private void deleteTemporaries() throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (TEMPORARY.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void takeOver(String param, boolean fresh, Owner me, Path resumedFrom) throws IOException {
    String where = "Checkpoint folder " + dir;
    List<Path> checkpoints = Checkpoints.list(dir);
    Owner owner = owner(dir);
    boolean mine = owner != null && owner.run().equals(me.run());
    if (mine && resumedFrom != null && !fresh) {
      List<String> later = new ArrayList<>();
      for (Path p : checkpoints) {
        if (Checkpoints.ORDER.compare(p, resumedFrom) > 0) {
          later.add(p.getFileName().toString());
        }
      }
      if (!later.isEmpty()) {
        throw new TorchworkException(where + " holds checkpoints of this run later than " + resumedFrom.getFileName() + ", the"
            + " one resumed: " + String.join(", ", later) + ". Continuing from an earlier one would overwrite them. Resume from"
            + " the latest (resume=" + dir + "), move the later ones away, or set " + freshParam(param) + "=true to delete"
            + " them.");
      }
    }
    if (!mine && (owner != null || !checkpoints.isEmpty())) {
      if (!fresh) {
        throw new TorchworkException(where + " holds the checkpoints of another run (" + describe(owner, checkpoints, me)
            + "). Torchwork keeps one run per folder, so that resuming it continues that run: continue it with resume="
            + dir + ", set " + freshParam(param) + "=true to delete its checkpoints and start over, or give " + param
            + " another folder.");
      }
    }
    if (fresh) {
      for (Path p : checkpoints) {
        // This run's own folder: only the checkpoints after the one resumed; another run's: all of
        // them. The checkpoint resumed from is never deleted.
        boolean delete = mine && resumedFrom != null ? Checkpoints.ORDER.compare(p, resumedFrom) > 0 : !p.equals(resumedFrom);
        if (delete) {
          Files.deleteIfExists(p);
        }
      }
    }
    if (!mine) {
      byte[] json = Json.bytes(me);
      AtomicFiles.write(dir.resolve(RUN_FILE), out -> out.write(json), null);
    }
  }

  private static String describe(Owner owner, List<Path> checkpoints, Owner me) {
    List<String> parts = new ArrayList<>();
    parts.add(checkpoints.isEmpty() ? "no checkpoint yet" : checkpoints.size() == 1 ? checkpoints.get(0).getFileName().toString()
        : checkpoints.size() + " checkpoints, " + checkpoints.get(0).getFileName() + " to "
            + checkpoints.get(checkpoints.size() - 1).getFileName());
    if (owner == null) {
      parts.add("no " + RUN_FILE + " says which");
      return String.join(", ", parts);
    }
    parts.add("learner " + owner.learner());
    if (owner.started() != null) {
      parts.add("started " + owner.started());
    }
    List<String> differences = new ArrayList<>();
    if (!Objects.equals(owner.learner(), me.learner())) {
      differences.add("learner " + owner.learner() + ", not " + me.learner());
    }
    if (!new TreeSet<>(owner.callbacks() == null ? List.of() : owner.callbacks()).equals(new TreeSet<>(me.callbacks()))) {
      differences.add("callbacks " + owner.callbacks() + ", not " + me.callbacks());
    }
    Map<String, String> then = owner.settings() == null ? Map.of() : owner.settings();
    TreeSet<String> keys = new TreeSet<>(then.keySet());
    keys.addAll(me.settings().keySet());
    for (String k : keys) {
      if (!Objects.equals(then.get(k), me.settings().get(k))) {
        differences.add(k + " was " + Objects.requireNonNullElse(then.get(k), "unset") + ", is "
            + Objects.requireNonNullElse(me.settings().get(k), "unset"));
      }
    }
    parts.add(differences.isEmpty() ? "the same settings as this run" : "other settings: " + String.join("; ", differences));
    return String.join(", ", parts);
  }

  private static String freshParam(String param) {
    if (!param.startsWith("cb.") || param.lastIndexOf('.') < 3) {
      return "the callback's fresh option";
    }
    return param.substring(0, param.lastIndexOf('.') + 1) + "fresh";
  }

  /**
   * The run that owns a folder, from its {@code run.json}.
   *
   * @param dir the folder
   * @return the owner, or null when the folder has no {@code run.json}
   * @throws TorchworkException when the file is there but unusable
   */
  public static Owner owner(Path dir) {
    Path file = dir.resolve(RUN_FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_RUN_FILE) {
        throw new TorchworkException(file + " is not a regular file of at most " + MAX_RUN_FILE + " bytes, so the run that owns"
            + " the folder is unknown. Remove it if the folder holds no checkpoint you need.");
      }
      Owner owner = Json.read(Files.readAllBytes(file), Owner.class);
      if (owner == null || owner.run() == null || owner.run().isBlank()) {
        throw new JsonParseException("the run id is missing");
      }
      return owner;
    } catch (IOException | JsonParseException | IllegalArgumentException e) {
      throw new TorchworkException(file + " cannot be read (" + e.getMessage() + "), so the run that owns the folder is"
          + " unknown. Remove it if the folder holds no checkpoint you need.", e);
    }
  }

  /**
   * A new run's owner record.
   *
   * @param run the run's id
   * @param learner the learner
   * @param callbacks the callbacks
   * @param settings the settings a resume must keep
   * @return the record, started now
   */
  public static Owner owner(String run, String learner, List<String> callbacks, Map<String, String> settings) {
    return new Owner(run, learner, List.copyOf(callbacks), Map.copyOf(settings), Instant.now().toString());
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
    CLAIMED.remove(dir);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to do
      }
    }
  }
}
