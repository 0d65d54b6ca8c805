package org.torchwork.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;

/** A checkpoint folder belongs to one run; fresh deletes checkpoints only, never the one resumed from. */
class CheckpointFolderTest {
  @TempDir Path dir;

  private static CheckpointFolder.Owner run(String id) {
    return CheckpointFolder.owner(id, "classif.mlp", List.of("checkpoint"), Map.of("opt.lr", "0.01"));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  private void folderOf(String run, String... checkpoints) throws IOException {
    CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run(run), null).close();
    for (String c : checkpoints) {
      Files.writeString(dir.resolve(c), c);
    }
  }

  @Test
  void resumingFromAnEarlierCheckpointRefusesToOverwriteLaterOnesAndFreshDeletesOnlyThose() throws IOException {
    folderOf("r1", "checkpoint-1.zip", "checkpoint-2.zip", "checkpoint-2+3.zip", "checkpoint-3.zip");
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Path resumed = dir.resolve("checkpoint-2.zip");
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r1"), resumed));
    assertEquals("Checkpoint folder " + dir + " holds checkpoints of this run later than checkpoint-2.zip, the one resumed:"
        + " checkpoint-2+3.zip, checkpoint-3.zip. Continuing from an earlier one would overwrite them. Resume from the latest"
        + " (resume=" + dir + "), move the later ones away, or set cb.checkpoint.fresh=true to delete them.", e.getMessage());
    CheckpointFolder.claim(dir, "cb.checkpoint.path", true, run("r1"), resumed).close();
    assertEquals(List.of("checkpoint-1.zip", "checkpoint-2.zip", "notes.txt", "run.json"), files());
  }

  @Test
  void anotherRunIsRefusedAndFreshDeletesItsCheckpointsButNeverTheOneResumedFrom() throws IOException {
    folderOf("r1", "checkpoint-1.zip", "checkpoint-2.zip");
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r2"), null));
    assertTrue(e.getMessage().startsWith("Checkpoint folder " + dir + " holds the checkpoints of another run (2 checkpoints,"
        + " checkpoint-1.zip to checkpoint-2.zip, learner classif.mlp, started "), e.getMessage());
    // A run resuming from a checkpoint of the folder's run under a new id (r2) keeps that checkpoint.
    CheckpointFolder.claim(dir, "cb.checkpoint.path", true, run("r2"), dir.resolve("checkpoint-1.zip")).close();
    assertEquals(List.of("checkpoint-1.zip", "run.json"), files());
    assertEquals("r2", CheckpointFolder.owner(dir).run());
  }

  @Test
  void aSecondClaimInTheSameProcessIsRefusedAndTheFirstKeepsItsLock() throws IOException {
    try (CheckpointFolder first = CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r1"), null)) {
      TorchworkException e = assertThrows(TorchworkException.class,
          () -> CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r1"), null));
      assertEquals("Checkpoint folder " + dir + " is in use by another run in this process, which is writing checkpoints to"
          + " it. Two runs in one folder would overwrite each other's checkpoints: give cb.checkpoint.path another folder.",
          e.getMessage());
      // Still held: the lock file's channel was never opened twice.
      try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(dir.resolve(".torchwork.lock"),
          java.nio.file.StandardOpenOption.WRITE)) {
        assertThrows(java.nio.channels.OverlappingFileLockException.class, other::tryLock);
      }
    }
    CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r1"), null).close();
  }

  @Test
  void temporaryFilesOfCutSavesAreDeletedWhenTheFolderIsClaimed() throws IOException {
    folderOf("r1", "checkpoint-1.zip");
    Files.writeString(dir.resolve(".checkpoint-2.tmp-1f3a.zip"), "half");
    Files.writeString(dir.resolve(".checkpoint-2+1.tmp-99.zip"), "half");
    Files.writeString(dir.resolve(".notes.tmp-1.txt"), "not ours");
    CheckpointFolder.claim(dir, "cb.checkpoint.path", false, run("r1"), dir.resolve("checkpoint-1.zip")).close();
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(".notes.tmp-1.txt", ".torchwork.lock", "checkpoint-1.zip", "run.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
