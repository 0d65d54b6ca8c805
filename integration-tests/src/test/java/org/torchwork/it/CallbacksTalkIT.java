package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From the command line: a plugin's published value in history, the CSV file, TensorBoard and
 * JSON; early stopping on it; {@code schedule --simulate}; and one command restarted with
 * {@code resume=auto} after a real SIGINT.
 */
class CallbacksTalkIT {
  @TempDir Path tmp;
  Path plugins;

  @BeforeEach
  void plugins() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.build("publisher", true, plugins.resolve("publisher.jar"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
  }

  @Test
  void aPublishedValueReachesEveryConsumerAndEarlyStoppingWatchesIt() throws IOException {
    Path csv = tmp.resolve("log.csv");
    Path tb = tmp.resolve("tb");
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "publisher,history,csv_logger,tb,progress", "--set", "epochs=10", "--set", "batch_size=50", "--set", "seed=1",
        "--set", "cb.csv_logger.path=" + csv, "--set", "cb.tb.path=" + tb, "--set", "patience=2", "--set",
        "monitor=publisher.score", "--set", "mode=min", "--json");
    assertEquals(0, r.exit(), r.toString());
    JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
    // Scores 5, 4, 4, 4: the best is epoch 2, and two epochs without improvement end the run after epoch 4.
    assertEquals("early_stopping", doc.getAsJsonObject("end").get("kind").getAsString(), r.out());
    JsonArray history = doc.getAsJsonArray("history");
    assertEquals(4, history.size());
    for (int i = 0; i < 4; i++) {
      JsonObject row = history.get(i).getAsJsonObject();
      assertEquals(2.0, row.get("publisher.step").getAsDouble(), "steps 1, 2, 3");
      assertEquals(i == 0 ? 5.0 : 4.0, row.get("publisher.score").getAsDouble());
    }
    List<String> lines = Files.readAllLines(csv);
    assertEquals("epoch,lr,train.loss,publisher.step,publisher.score", lines.get(0));
    assertTrue(lines.get(1).endsWith(",2.0,5.0"), lines.get(1));
    assertEquals(5, lines.size());
    Path events;
    try (Stream<Path> s = Files.list(tb)) {
      events = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
    }
    List<String> tags = tags(Files.readAllBytes(events));
    assertEquals(4, tags.stream().filter("publisher/score"::equals).count(), tags.toString());
    assertEquals(4, tags.stream().filter("publisher/step"::equals).count(), tags.toString());
    assertEquals(4, tags.stream().filter("lr"::equals).count(), tags.toString());
    assertTrue(r.err().contains("publisher.score 4.00"), "the progress display's epoch line: " + r.err());
  }

  /** The tag of every scalar event in a TensorBoard event file (records of an Event protocol buffer each). */
  private static List<String> tags(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<String> tags = new ArrayList<>();
    while (b.hasRemaining()) {
      long length = b.getLong();
      b.getInt();
      ByteBuffer event = ByteBuffer.wrap(bytes, b.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
      b.position(b.position() + (int) length);
      b.getInt();
      while (event.hasRemaining()) {
        int key = (int) varint(event);
        switch (key) {
          case (1 << 3) | 1 -> event.getDouble();
          case (2 << 3) -> varint(event);
          case (3 << 3) | 2 -> {
            int n = (int) varint(event);
            event.position(event.position() + n);
          }
          case (5 << 3) | 2 -> {
            int summaryEnd = (int) varint(event) + event.position();
            varint(event);
            varint(event);
            varint(event);
            byte[] tag = new byte[(int) varint(event)];
            event.get(tag);
            tags.add(new String(tag, StandardCharsets.UTF_8));
            event.position(summaryEnd);
          }
          default -> throw new AssertionError("unexpected field " + key);
        }
      }
    }
    return tags;
  }

  private static long varint(ByteBuffer b) {
    long v = 0;
    int shift = 0;
    byte x;
    do {
      x = b.get();
      v |= (long) (x & 0x7F) << shift;
      shift += 7;
    } while ((x & 0x80) != 0);
    return v;
  }

  @Test
  void theScheduleSimulatesTheRunWithoutTraining() {
    Dist.Result r = Dist.torchwork(plugins, "schedule", "history,lr_step,checkpoint", "--simulate", "--set", "epochs=4",
        "--set", "batch_size=50", "--set", "opt.lr=0.1", "--set", "validate=0.2", "--set", "eval_freq=2", "--set",
        "cb.lr_step.step_size=2", "--set", "cb.lr_step.gamma=0.5", "--set", "cb.checkpoint.path=" + tmp.resolve("never"),
        "--set", "cb.checkpoint.freq=3", "--set", "patience=1", "--set", "measures_valid=classif.ce");
    assertEquals(0, r.exit(), r.toString());
    assertEquals(List.of(
        "Simulated 4 epoch(s) of 3 batch(es) (120 training rows); opt.lr=0.1. Nothing was trained.",
        "",
        "epoch  lr (first batch)  lr (last batch)  validates  checkpoint  unfreezes  may stop",
        "1      0.100000          0.100000         -          -           -          -",
        "2      0.100000          0.100000         yes        -           -          -",
        "3      0.0500000         0.0500000        -          yes         -          -",
        "4      0.0500000         0.0500000        yes        yes         -          yes",
        "",
        "Early stopping (patience 1, monitoring valid.classif.ce) checks after epochs [2, 4]; it may stop the run"
            + " after epoch 4 at the earliest."), r.outLines(), r.toString());
    assertTrue(Files.notExists(tmp.resolve("never")), "nothing was written");
  }

  @Test
  void oneCommandWithResumeAutoStartsResumesAfterSigintAndThenReturnsTheFinishedModel() {
    Path ckpt = tmp.resolve("ckpt");
    String[] command = {"train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger,history,checkpoint",
        "--set", "epochs=60", "--set", "batch_size=50", "--set", "seed=3", "--set", "cb.checkpoint.path=" + ckpt, "--set",
        "cb.checkpoint.keep_last=3", "--set", "resume=auto"};
    Dist.Result first;
    try (Running run = Running.torchwork(plugins, Map.of(), command)) {
      run.awaitLine(l -> l.startsWith("Epoch 2:"));
      run.signal("INT");
      first = run.finish();
    }
    assertEquals(130, first.exit(), first.toString());
    assertTrue(first.err().contains("continue with resume=" + ckpt), first.toString());

    Dist.Result second = Dist.torchwork(plugins, command);
    assertEquals(0, second.exit(), second.toString());
    assertTrue(second.out().contains("Resuming from checkpoint " + ckpt + "/checkpoint-"), second.toString());
    assertTrue(second.out().contains("Trained 60 epoch(s) with seed 3: all 60 epochs done."), second.toString());

    Dist.Result third = Dist.torchwork(plugins, command);
    assertEquals(0, third.exit(), third.toString());
    assertTrue(third.out().contains("Resuming from checkpoint " + ckpt + "/checkpoint-60.zip (the finished run: 60 epoch(s),"
        + " nothing left to train)."), third.toString());
    assertTrue(third.out().contains("Trained 60 epoch(s) with seed 3: all 60 epochs done."), third.toString());
    assertTrue(!third.out().contains("Epoch 60:"), "nothing trained again: " + third.out());
  }
}
