package org.torchwork.callbacks.loggers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.Platform;
import org.torchwork.testkit.TestKit;

class LoggersTest {
  @TempDir Path tmp;

  @Test
  void csvLoggerWritesOneRowPerEpochMatchingTheHistory() throws IOException {
    Path file = tmp.resolve("log.csv");
    try (TestKit.Result r = TestKit.callback(LoggersProvider.CSV_LOGGER).set("path", file.toString())
        .param("epochs", 3).param("validate", 0.2).param("eval_freq", 2)
        .param("measures_train", "classif.acc").param("measures_valid", "classif.ce")
        .with(Platform.builder().build().callback("history")).run()) {
      List<String> lines = Files.readAllLines(file);
      assertEquals("epoch,lr,train.loss,train.classif.acc,valid.classif.ce", lines.get(0));
      assertEquals(4, lines.size());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> history = (List<Map<String, Object>>) r.model().callbacks().get("history");
      for (int i = 0; i < 3; i++) {
        String[] cells = lines.get(i + 1).split(",", -1);
        Map<String, Object> row = history.get(i);
        assertEquals(String.valueOf(i + 1), cells[0]);
        assertEquals((Double) row.get("train.loss"), Double.parseDouble(cells[2]));
        assertEquals(row.get("train.classif.acc") == null ? "" : String.valueOf(row.get("train.classif.acc")), cells[3]);
        assertEquals(row.get("valid.classif.ce") == null ? "" : String.valueOf(row.get("valid.classif.ce")), cells[4]);
      }
      assertEquals("", lines.get(1).split(",", -1)[4], "epoch 1 does not validate");
      assertEquals("", lines.get(1).split(",", -1)[3], "nor score its training predictions (eval_freq 2)");
      assertEquals(3, ((java.util.Map<?, ?>) r.state()).get("rows"));
    }
  }

  @Test
  void csvLoggerPerBatch() throws IOException {
    Path file = tmp.resolve("batches.csv");
    try (TestKit.Result r = TestKit.callback(LoggersProvider.CSV_LOGGER).set("path", file.toString()).set("per_batch", true).run()) {
      List<String> lines = Files.readAllLines(file);
      assertEquals("epoch,step,global_step,lr,loss", lines.get(0));
      assertEquals(7, lines.size(), "two epochs of three batches");
      assertTrue(lines.get(6).startsWith("2,3,6,"), lines.get(6));
    }
  }

  /** One TensorBoard event: its step and, for scalars, tag and value. */
  record Event(long step, String tag, Float value, String fileVersion) {}

  @Test
  void tbWritesEventFilesThatReadBackWithValidChecksums() throws IOException {
    Path dir = tmp.resolve("tb");
    try (TestKit.Result r = TestKit.callback(LoggersProvider.TB).set("path", dir.toString()).set("log_train_loss", true)
        .param("epochs", 2).param("validate", 0.2).param("measures_valid", "classif.acc")
        .with(Platform.builder().build().callback("history")).run()) {
      Path file;
      try (Stream<Path> s = Files.list(dir)) {
        file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
      }
      List<Event> events = read(Files.readAllBytes(file));
      assertEquals("brain.Event:2", events.get(0).fileVersion());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> history = (List<Map<String, Object>>) r.model().callbacks().get("history");
      List<Event> perEpoch = events.stream().filter(e -> "train/loss".equals(e.tag())).toList();
      assertEquals(2, perEpoch.size());
      for (int i = 0; i < 2; i++) {
        assertEquals(i + 1, perEpoch.get(i).step());
        assertEquals((float) (double) (Double) history.get(i).get("train.loss"), perEpoch.get(i).value());
        long epoch = i + 1;
        Event valid = events.stream().filter(e -> "valid/classif.acc".equals(e.tag()) && e.step() == epoch).findFirst().orElseThrow();
        assertEquals((float) (double) (Double) history.get(i).get("valid.classif.acc"), valid.value());
      }
      List<Event> batches = events.stream().filter(e -> "train/batch_loss".equals(e.tag())).toList();
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), batches.stream().map(Event::step).toList());
      assertEquals(events.size() - 1, r.state());
    }
  }

  /** Publishes each batch's step (the epoch's value is their mean, 2 for three batches) and the epoch times ten. */
  public static final class Publisher extends CallbackSet {
    @Override
    public void onBatchEnd(Context ctx) {
      ctx.log("step", ctx.step());
    }

    @Override
    public void onValidEnd(Context ctx) {
      ctx.log("tenfold", 10 * ctx.epoch());
    }
  }

  @Test
  void aPublishedValueAppearsInHistoryTheCsvFileAndTensorBoardWithTheLearningRate() throws IOException {
    TorchCallback publisher = TorchCallback.builder("pub", Publisher.class).publishes("step", "tenfold").weight(-1)
        .build(p -> new Publisher());
    Path csv = tmp.resolve("log.csv");
    Path dir = tmp.resolve("tb");
    Platform platform = Platform.builder().build();
    // 150 rows: 120 train in batches of 40 (3 steps), 30 validate; eval_freq 2 validates epochs 2 and 3.
    try (TestKit.Result r = TestKit.callback(publisher).param("epochs", 3).param("batch_size", 40).param("validate", 0.2)
        .param("eval_freq", 2).param("measures_valid", "classif.acc")
        .with(platform.callback("history")).with(platform.callback("csv_logger")).with(platform.callback("tb"))
        .param("cb.csv_logger.path", csv.toString()).param("cb.tb.path", dir.toString()).run()) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> history = (List<Map<String, Object>>) r.model().callbacks().get("history");
      assertEquals(List.of(2.0, 2.0, 2.0), history.stream().map(row -> row.get("pub.step")).toList());
      assertEquals(Arrays.asList(null, 20.0, 30.0), history.stream().map(row -> row.get("pub.tenfold")).toList());

      List<String> lines = Files.readAllLines(csv);
      assertEquals("epoch,lr,train.loss,valid.classif.acc,pub.step,pub.tenfold", lines.get(0));
      assertTrue(lines.get(1).endsWith(",,2.0,"), lines.get(1));
      assertTrue(lines.get(3).endsWith(",2.0,30.0"), lines.get(3));

      Path file;
      try (Stream<Path> s = Files.list(dir)) {
        file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
      }
      List<Event> events = read(Files.readAllBytes(file));
      assertEquals(List.of(1L, 2L, 3L), events.stream().filter(e -> "pub/step".equals(e.tag())).map(Event::step).toList());
      assertEquals(List.of(20f, 30f), events.stream().filter(e -> "pub/tenfold".equals(e.tag())).map(Event::value).toList());
      assertEquals(List.of(0.001f, 0.001f, 0.001f), events.stream().filter(e -> "lr".equals(e.tag())).map(Event::value).toList());
    }
  }

  /** Reads TFRecord framing, checking both checksums of every record, and decodes the events. */
  private static List<Event> read(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] length = new byte[8];
      b.get(length);
      assertEquals(EventFileWriter.maskedCrc(length), b.getInt(), "length checksum");
      byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      b.get(data);
      assertEquals(EventFileWriter.maskedCrc(data), b.getInt(), "data checksum");
      events.add(decode(data));
    }
    return events;
  }

  private static Event decode(byte[] data) {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    long step = 0;
    String tag = null;
    Float value = null;
    String version = null;
    while (b.hasRemaining()) {
      int key = (int) varint(b);
      switch (key) {
        case (1 << 3) | 1 -> b.getDouble();
        case (2 << 3) -> step = varint(b);
        case (3 << 3) | 2 -> version = new String(bytes(b), StandardCharsets.UTF_8);
        case (5 << 3) | 2 -> {
          ByteBuffer summary = ByteBuffer.wrap(bytes(b)).order(ByteOrder.LITTLE_ENDIAN);
          assertEquals((1 << 3) | 2, varint(summary));
          ByteBuffer v = ByteBuffer.wrap(bytes(summary)).order(ByteOrder.LITTLE_ENDIAN);
          assertEquals((1 << 3) | 2, varint(v));
          tag = new String(bytes(v), StandardCharsets.UTF_8);
          assertEquals((2 << 3) | 5, varint(v));
          value = v.getFloat();
        }
        default -> throw new AssertionError("unexpected field " + key + " in " + Arrays.toString(data));
      }
    }
    return new Event(step, tag, value, version);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[(int) varint(b)];
    b.get(out);
    return out;
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
}
