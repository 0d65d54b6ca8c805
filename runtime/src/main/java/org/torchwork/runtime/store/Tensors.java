package org.torchwork.runtime.store;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tensors in stored files: a network's parameters in DJL's parameter format (engine-neutral: each
 * array is written as its data type, shape and raw bytes, so a network saved on one engine loads
 * on another), and lists of arrays (optimizer state, best weights) as counted, length-prefixed
 * {@link NDArray#encode()} blobs whose counts and lengths are checked against what is there.
 */
final class Tensors {
  private Tensors() {}

  /** Writes a network's parameters. */
  static AtomicFiles.Content network(Block network) {
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      network.saveParameters(data);
      data.flush();
    };
  }

  /**
   * Loads saved parameters into a network that is not initialized yet, and checks that each has
   * the shape the network's settings give it. (DJL takes layer sizes from the file when it loads,
   * so without the check a file saved from another network would quietly change this one.)
   *
   * @param params the saved parameters
   * @param network the network, not initialized
   * @param factory builds the same network afresh, to learn the shapes its settings give
   * @param manager the manager the parameters will belong to
   * @param input the shape of a batch of one row, as the network takes it
   * @throws IOException, MalformedModelException or a RuntimeException when they do not fit
   */
  static void loadNetwork(byte[] params, Block network, Supplier<Block> factory, NDManager manager, long[] input)
      throws IOException, MalformedModelException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
      network.loadParameters(manager, in);
      if (in.read() != -1) {
        throw new MalformedModelException("the saved parameters go on after the network's last parameter; they were saved"
            + " from a larger network");
      }
    }
    Map<String, Shape> expected = new LinkedHashMap<>();
    try (NDManager scratch = manager.newSubManager()) {
      Block reference = factory.get();
      reference.setInitializer(Initializer.ZEROS, p -> true);
      reference.initialize(scratch, DataType.FLOAT32, new Shape(input));
      for (Pair<String, Parameter> p : reference.getParameters()) {
        expected.put(p.getKey(), p.getValue().getArray().getShape());
      }
    }
    for (Pair<String, Parameter> p : network.getParameters()) {
      Shape want = expected.remove(p.getKey());
      Shape got = p.getValue().isInitialized() ? p.getValue().getArray().getShape() : null;
      if (want == null) {
        throw new MalformedModelException("the saved parameters have " + p.getKey() + ", which the network these settings build"
            + " does not have");
      }
      if (!want.equals(got)) {
        throw new MalformedModelException("parameter " + p.getKey() + " is " + got + " in the file but " + want + " in the network"
            + " these settings build");
      }
    }
    if (!expected.isEmpty()) {
      throw new MalformedModelException("the saved parameters lack " + String.join(", ", expected.keySet()));
    }
  }

  static void writeSlots(OutputStream stream, Map<String, NDArray[]> slots) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(slots.size());
    for (Map.Entry<String, NDArray[]> e : slots.entrySet()) {
      out.writeUTF(e.getKey());
      writeArrays(out, List.of(e.getValue()));
    }
    out.flush();
  }

  static void writeArrays(DataOutputStream out, List<NDArray> arrays) throws IOException {
    out.writeInt(arrays.size());
    for (NDArray a : arrays) {
      byte[] bytes = a.encode();
      out.writeInt(bytes.length);
      out.write(bytes);
    }
    out.flush();
  }

  /**
   * Writes callbacks' tensors: by callback id, by name.
   *
   * @param stream where to write
   * @param tensors the tensors
   * @throws IOException when writing fails
   */
  static void writeNamed(OutputStream stream, Map<String, Map<String, NDArray>> tensors) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(tensors.size());
    for (Map.Entry<String, Map<String, NDArray>> c : tensors.entrySet()) {
      out.writeUTF(c.getKey());
      out.writeInt(c.getValue().size());
      for (Map.Entry<String, NDArray> t : c.getValue().entrySet()) {
        out.writeUTF(t.getKey());
        byte[] bytes = t.getValue().encode();
        out.writeInt(bytes.length);
        out.write(bytes);
      }
    }
    out.flush();
  }

  /**
   * Reads what {@link #writeNamed} wrote, and nothing more.
   *
   * @param bytes the bytes
   * @return the encoded tensors, by callback id and name
   * @throws IllegalArgumentException when a count or length does not fit the bytes there
   */
  static Map<String, Map<String, byte[]>> readNamed(byte[] bytes) {
    ByteArrayInputStream buffer = new ByteArrayInputStream(bytes);
    DataInputStream in = new DataInputStream(buffer);
    Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
    try {
      int callbacks = count(in.readInt(), buffer, "callbacks");
      for (int i = 0; i < callbacks; i++) {
        String id = in.readUTF();
        Map<String, byte[]> named = new LinkedHashMap<>();
        int n = count(in.readInt(), buffer, "tensors");
        for (int j = 0; j < n; j++) {
          String name = in.readUTF();
          int length = in.readInt();
          if (length < 0 || length > buffer.available()) {
            throw new IllegalArgumentException("tensor '" + name + "' of callback '" + id + "' claims " + length + " bytes where "
                + buffer.available() + " are left");
          }
          if (named.put(name, in.readNBytes(length)) != null) {
            throw new IllegalArgumentException("callback '" + id + "' has tensor '" + name + "' twice");
          }
        }
        if (out.put(id, named) != null) {
          throw new IllegalArgumentException("callback '" + id + "' is listed twice");
        }
      }
      end(buffer);
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException("the callbacks' tensors end early (" + e + ")", e);
    }
  }

  /**
   * Reads what {@link #writeSlots} wrote.
   *
   * @throws IllegalArgumentException when a count or length does not fit the bytes there
   */
  static Map<String, List<byte[]>> readSlots(byte[] bytes) {
    ByteArrayInputStream buffer = new ByteArrayInputStream(bytes);
    DataInputStream in = new DataInputStream(buffer);
    Map<String, List<byte[]>> slots = new LinkedHashMap<>();
    try {
      int n = count(in.readInt(), buffer, "parameters");
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        if (slots.put(name, readArrays(in, buffer)) != null) {
          throw new IllegalArgumentException("optimizer state lists parameter '" + name + "' twice");
        }
      }
      end(buffer);
      return slots;
    } catch (IOException e) {
      throw new IllegalArgumentException("optimizer state ends early (" + e + ")", e);
    }
  }

  /**
   * Reads what {@link #writeArrays} wrote, and nothing more.
   *
   * @throws IllegalArgumentException when a count or length does not fit the bytes there
   */
  static List<byte[]> readArrays(byte[] bytes) {
    ByteArrayInputStream buffer = new ByteArrayInputStream(bytes);
    try {
      List<byte[]> arrays = readArrays(new DataInputStream(buffer), buffer);
      end(buffer);
      return arrays;
    } catch (IOException e) {
      throw new IllegalArgumentException("the arrays end early (" + e + ")", e);
    }
  }

  private static List<byte[]> readArrays(DataInputStream in, ByteArrayInputStream buffer) throws IOException {
    int count = count(in.readInt(), buffer, "arrays");
    List<byte[]> arrays = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      int length = in.readInt();
      if (length < 0 || length > buffer.available()) {
        throw new IllegalArgumentException("an array claims " + length + " bytes where " + buffer.available() + " are left");
      }
      arrays.add(in.readNBytes(length));
    }
    return arrays;
  }

  /** A count of items of at least 4 bytes each can be no larger than the bytes left / 4. */
  private static int count(int n, ByteArrayInputStream buffer, String what) {
    if (n < 0 || n > buffer.available() / 4) {
      throw new IllegalArgumentException("a count of " + n + " " + what + " does not fit the " + buffer.available() + " bytes left");
    }
    return n;
  }

  private static void end(ByteArrayInputStream buffer) {
    if (buffer.available() != 0) {
      throw new IllegalArgumentException(buffer.available() + " bytes follow the last array");
    }
  }
}
