package org.torchwork.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.SequentialBlock;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;

/** Checkpoint files are replaced atomically, and states come back as the plain values they were. */
class CheckpointsTest {
  @TempDir Path tmp;

  /** A network whose saving dies half-way, as if the process crashed mid-write. */
  static final class DiesWhileSaving extends SequentialBlock {
    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
      os.write(new byte[4096]);
      throw new IOException("disk gone");
    }
  }

  private static Checkpoints.Meta meta(int epoch) {
    return new Checkpoints.Meta(Checkpoints.FORMAT, "classif.mlp", epoch, 3 * epoch, 1, 7L, 0.01, List.of("a"), List.of("x", "y"),
        Map.of(), Map.of(), List.of("history"), Map.of("history", List.of(Map.of("epoch", 1, "train.loss", 0.5))), null,
        "run-1", 0, 0, Map.of(), null, null);
  }

  /** Writes a checkpoint of a one-layer network. */
  private static void writeSmallNetwork(Path file) {
    try (ai.djl.ndarray.NDManager manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      SequentialBlock network = new SequentialBlock().add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
      network.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3));
      Checkpoints.write(file, meta(1), network, Map.of(), List.of(), null, Map.of());
    }
  }

  @Test
  void aWriteThatDiesHalfWayLeavesThePreviousCheckpointIntact() throws IOException {
    Path file = tmp.resolve("checkpoint-1.zip");
    writeSmallNetwork(file);
    byte[] before = Files.readAllBytes(file);

    TorchworkException e = assertThrows(TorchworkException.class,
        () -> Checkpoints.write(file, meta(2), new DiesWhileSaving(), Map.of(), List.of(), null, Map.of()));
    assertTrue(e.getMessage().startsWith("Checkpoint " + file + " could not be written: java.io.IOException: disk gone."),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("the previous checkpoint, if any, is unchanged."), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(file), s.toList(), "no temporary file is left behind");
    }
    assertEquals(1, Checkpoints.read(tmp).meta().epoch());
  }

  @Test
  void statesComeBackWithTheSameValues() {
    Map<String, Object> states = Map.of("a", List.of(Map.of("epoch", 1, "lr", 0.01, "big", 1L << 40, "none", "x")));
    assertEquals(states, Json.plain(states));
    assertEquals(Map.of("f", 0.5f, "l", 3L, "i", 3), Json.plain(Map.of("f", 0.5f, "l", 3L, "i", 3)),
        "each number comes back with its type");
  }

  @Test
  void aDamagedCheckpointSaysSo() throws IOException {
    Path file = Files.write(tmp.resolve("checkpoint-1.zip"), new byte[] {1, 2, 3});
    TorchworkException e = assertThrows(TorchworkException.class, () -> Checkpoints.read(file));
    assertTrue(e.getMessage().startsWith("Checkpoint " + file + ": is not a readable zip file ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("It is damaged or not a Torchwork checkpoint; resume from another one."), e.getMessage());
  }

  @Test
  void aCheckpointWithAFlippedBitIsNeverResumed() throws IOException {
    Path file = tmp.resolve("checkpoint-1.zip");
    writeSmallNetwork(file);
    for (String entry : List.of("checkpoint.json", "network.params", "optimizer.bin")) {
      Path flipped = tmp.resolve("flipped-" + entry + ".zip");
      try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(file.toFile());
          java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(flipped))) {
        for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
          byte[] bytes = in.getInputStream(e).readAllBytes();
          if (e.getName().equals(entry)) {
            bytes[bytes.length - 1] ^= 1;
          }
          out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
          out.write(bytes);
          out.closeEntry();
        }
      }
      TorchworkException e = assertThrows(TorchworkException.class, () -> Checkpoints.read(flipped));
      assertTrue(e.getMessage().startsWith("Checkpoint " + flipped + ": " + entry + " does not match its SHA-256 in manifest.json"),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("resume from another one."), e.getMessage());
    }
  }

  @Test
  void aFileNamedWithAnEpochBeyondAnyIsPassedOver() throws IOException {
    writeSmallNetwork(tmp.resolve("checkpoint-1.zip"));
    Files.writeString(tmp.resolve("checkpoint-99999999999.zip"), "not one of ours");
    assertEquals(1, Checkpoints.read(tmp).meta().epoch());
  }

  /** A checkpoint whose metadata is well-formed JSON with a value out of range. */
  private static void writeWith(Path file, Checkpoints.Meta meta) {
    try (ai.djl.ndarray.NDManager manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
      SequentialBlock network = new SequentialBlock().add(ai.djl.nn.core.Linear.builder().setUnits(2).build());
      network.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 3));
      Checkpoints.write(file, meta, network, Map.of(), List.of(), null, Map.of());
    }
  }

  @Test
  void metadataOutOfRangeIsRefusedNamingTheFileAndTheField() {
    Checkpoints.Meta m = meta(2);
    Map<String, Checkpoints.Meta> bad = new java.util.LinkedHashMap<>();
    bad.put("the learning rate is NaN", new Checkpoints.Meta(m.format(), m.learner(), m.epoch(), m.globalStep(), m.seed(),
        m.shuffleState(), Double.NaN, m.features(), m.classes(), m.settings(), m.optimizerSteps(), m.callbackIds(), m.callbacks(),
        null, m.run(), 0, 0, Map.of(), null, null));
    bad.put("the epoch is -3", new Checkpoints.Meta(m.format(), m.learner(), -3, m.globalStep(), m.seed(), m.shuffleState(),
        m.learningRate(), m.features(), m.classes(), m.settings(), m.optimizerSteps(), m.callbackIds(), m.callbacks(), null,
        m.run(), 0, 0, Map.of(), null, null));
    bad.put("the step is -1", new Checkpoints.Meta(m.format(), m.learner(), m.epoch(), m.globalStep(), m.seed(),
        m.shuffleState(), m.learningRate(), m.features(), m.classes(), m.settings(), m.optimizerSteps(), m.callbackIds(),
        m.callbacks(), null, m.run(), -1, 0, Map.of(), null, null));
    bad.put("the run id is missing", new Checkpoints.Meta(m.format(), m.learner(), m.epoch(), m.globalStep(), m.seed(),
        m.shuffleState(), m.learningRate(), m.features(), m.classes(), m.settings(), m.optimizerSteps(), m.callbackIds(),
        m.callbacks(), null, null, 0, 0, Map.of(), null, null));
    bad.put("the settings are missing", new Checkpoints.Meta(m.format(), m.learner(), m.epoch(), m.globalStep(), m.seed(),
        m.shuffleState(), m.learningRate(), m.features(), m.classes(), null, m.optimizerSteps(), m.callbackIds(), m.callbacks(),
        null, m.run(), 0, 0, Map.of(), null, null));
    int i = 0;
    for (Map.Entry<String, Checkpoints.Meta> e : bad.entrySet()) {
      Path file = tmp.resolve("bad-" + i++ + ".zip");
      writeWith(file, e.getValue());
      TorchworkException x = assertThrows(TorchworkException.class, () -> Checkpoints.read(file));
      assertEquals("Checkpoint " + file + ": checkpoint.json is not valid: " + e.getKey() + ". It is damaged or not a Torchwork"
          + " checkpoint; resume from another one.", x.getMessage());
    }
  }

  @Test
  void theLatestCheckpointOfAFolderIsTheLatestBatchOfItsRun() throws IOException {
    writeSmallNetwork(tmp.resolve("checkpoint-1.zip"));
    writeWith(tmp.resolve("checkpoint-1+2.zip"), meta(1));
    writeWith(tmp.resolve("checkpoint-10.zip"), meta(10));
    assertEquals(List.of("checkpoint-1.zip", "checkpoint-1+2.zip", "checkpoint-10.zip"),
        Checkpoints.list(tmp).stream().map(p -> p.getFileName().toString()).toList());
    assertEquals(10, Checkpoints.read(tmp).meta().epoch());
    // A run.json naming another run: the folder's latest checkpoint is not that run's, so it is not resumed.
    Files.writeString(tmp.resolve("run.json"), "{\"run\": \"run-2\", \"learner\": \"classif.mlp\"}");
    TorchworkException e = assertThrows(TorchworkException.class, () -> Checkpoints.read(tmp));
    assertEquals("Checkpoint " + tmp.resolve("checkpoint-10.zip") + ", the latest in " + tmp + ", was written by run run-1, but "
        + tmp.resolve("run.json") + " says the folder belongs to run run-2. Resume from a checkpoint file you know belongs to the"
        + " run you want (resume=FILE).", e.getMessage());
  }

  @Test
  void aCheckpointOlderThanTheDataAndLossSettingsResumesWithThemAtTheirDefaultsOnly() {
    org.torchwork.api.ParamSet set = org.torchwork.api.ParamSet.of(
        org.torchwork.api.Param.string("impute").defaultValue("median").build(),
        org.torchwork.api.Param.integer("batch_size").defaultValue(16).build(),
        org.torchwork.api.Param.integer("epochs").defaultValue(5).build());
    org.torchwork.api.ParamValues defaults = set.resolve(Map.of(), "");
    org.torchwork.api.Task task = org.torchwork.api.Task.classif("t", "y", List.of("a"), List.of("x", "y"), new float[2],
        new int[] {0, 1});
    java.util.function.IntFunction<Checkpoints.Loaded> written = format -> new Checkpoints.Loaded(Path.of("c.zip"),
        new Checkpoints.Meta(format, "classif.mlp", 1, 3, 1, 7L, 0.01, List.of("a"), List.of("x", "y"), Map.of("batch_size", "16"),
            Map.of(), List.of(), Map.of(), null, "run-1", 0, 0, Map.of(), null, null), new byte[0], Map.of(), List.of(), null, Map.of());
    Checkpoints.checkFits(written.apply(4), "classif.mlp", task, java.util.Set.of(), defaults, java.util.Set.of(), false);
    org.torchwork.api.ParamValues mean = set.resolve(Map.of("impute", "mean"), "");
    String m = assertThrows(TorchworkException.class, () -> Checkpoints.checkFits(written.apply(4), "classif.mlp", task,
        java.util.Set.of(), mean, java.util.Set.of("impute"), false)).getMessage();
    assertTrue(m.contains("impute was unset, is mean"), m);
    m = assertThrows(TorchworkException.class, () -> Checkpoints.checkFits(written.apply(Checkpoints.FORMAT), "classif.mlp", task,
        java.util.Set.of(), defaults, java.util.Set.of(), false)).getMessage();
    assertTrue(m.contains("impute was unset, is median"), "a checkpoint of this format has every setting: " + m);
  }
}
