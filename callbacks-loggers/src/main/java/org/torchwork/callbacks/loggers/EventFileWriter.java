package org.torchwork.callbacks.loggers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length, data,
 * masked CRC-32C of the data) around {@code tensorflow.Event} protocol buffers, encoded by hand
 * for the three fields a scalar needs.
 */
final class EventFileWriter implements AutoCloseable {
  private final OutputStream out;

  EventFileWriter(OutputStream out) throws IOException {
    this.out = out;
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    wallTime(event);
    bytesField(event, 3, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
    record(event.toByteArray());
  }

  /** Appends a scalar summary. */
  void scalar(String tag, float value, long step) throws IOException {
    ByteArrayOutputStream summaryValue = new ByteArrayOutputStream();
    bytesField(summaryValue, 1, tag.getBytes(StandardCharsets.UTF_8));
    summaryValue.write(tag(2, 5));
    summaryValue.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array());
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    bytesField(summary, 1, summaryValue.toByteArray());
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    wallTime(event);
    event.write(tag(2, 0));
    varint(event, step);
    bytesField(event, 5, summary.toByteArray());
    record(event.toByteArray());
  }

  private void record(byte[] data) throws IOException {
    byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(le32(maskedCrc(length)));
    out.write(data);
    out.write(le32(maskedCrc(data)));
    out.flush();
  }

  static int maskedCrc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  private static void wallTime(ByteArrayOutputStream event) throws IOException {
    event.write(tag(1, 1));
    event.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(System.currentTimeMillis() / 1000.0).array());
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) throws IOException {
    out.write(tag(field, 2));
    varint(out, bytes.length);
    out.write(bytes);
  }

  private static byte[] tag(int field, int wireType) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    varint(b, ((long) field << 3) | wireType);
    return b.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
