package org.torchwork.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * NPY files, NumPy's format ({@code numpy.save}): an array of features whose first dimension is
 * the rows and whose others are each row's shape ({@code (n, 28, 28)} images, {@code (n, T, F)}
 * sequences, {@code (n, p)} tables), and a one-dimensional array of labels. Values are taken as
 * they are, as 32-bit floats: integers, unsigned bytes and 64-bit floats included (a {@code uint8}
 * image is not rescaled; scale it first, or use {@code standardize}). Arrays in C order only.
 */
public final class NpyFiles {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([fiub])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyFiles() {}

  /**
   * Whether a path names an NPY file, by its name or its first bytes.
   *
   * @param file the path
   * @return true for an NPY file
   */
  public static boolean isNpy(Path file) {
    if (file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      return true;
    }
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /** An array's header: element type and size, byte order, shape, and where the values start. */
  private record Header(char kind, int size, ByteOrder order, long[] shape) {
    long rows() {
      return shape.length == 0 ? 1 : shape[0];
    }

    long width() {
      long w = 1;
      for (int i = 1; i < shape.length; i++) {
        w *= shape[i];
      }
      return w;
    }

    String type() {
      return (kind == 'f' ? "float" : kind == 'u' ? "uint" : kind == 'b' ? "bool" : "int") + (8 * size);
    }
  }

  private static Header header(DataInputStream in, Path file, String what) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      throw new TorchworkException(what + " " + file + " is shorter than an NPY header. Give a file written by numpy.save.", e);
    }
    if (!Arrays.equals(magic, MAGIC)) {
      throw new TorchworkException(what + " " + file + " is not an NPY file: it does not start with \\x93NUMPY. Give a file written"
          + " by numpy.save (a .npz archive is not read: save each array with numpy.save).");
    }
    int major = in.readUnsignedByte();
    in.readUnsignedByte();
    long length;
    if (major == 1) {
      length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
    } else if (major == 2 || major == 3) {
      length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    } else {
      throw new TorchworkException(what + " " + file + " is NPY format version " + major + "; Torchwork reads versions 1 to 3.");
    }
    if (length > 1 << 20) {
      throw new TorchworkException(what + " " + file + " declares a header of " + length + " bytes, which no array needs. It is"
          + " damaged; use a good copy.");
    }
    byte[] text = new byte[(int) length];
    in.readFully(text);
    String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(dict);
    Matcher f = FORTRAN.matcher(dict);
    Matcher s = SHAPE.matcher(dict);
    if (!d.find() || !f.find() || !s.find()) {
      throw new TorchworkException(what + " " + file + " holds an array of a type Torchwork does not read (header " + dict.strip()
          + "). Save numbers: float32, float64, integers, unsigned integers or booleans.");
    }
    if (f.group(1).equals("True")) {
      throw new TorchworkException(what + " " + file + " is stored in Fortran order. Save it in C order:"
          + " numpy.save(f, numpy.ascontiguousarray(a)).");
    }
    char kind = d.group(2).charAt(0);
    int size = Integer.parseInt(d.group(3));
    boolean known = kind == 'f' ? size == 4 || size == 8 : kind == 'b' ? size == 1 : size == 1 || size == 2 || size == 4 || size == 8;
    if (!known) {
      throw new TorchworkException(what + " " + file + " holds values of type " + d.group(0) + ", which Torchwork does not read. Save"
          + " float32, float64, integers, unsigned integers or booleans.");
    }
    ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    List<Long> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        try {
          dims.add(Long.parseLong(part.strip().replaceFirst("L$", "")));
        } catch (NumberFormatException e) {
          throw new TorchworkException(what + " " + file + " declares shape (" + s.group(1) + "), which is not a list of sizes. It is"
              + " damaged; use a good copy.", e);
        }
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    for (long dim : shape) {
      if (dim < 0 || dim > Integer.MAX_VALUE) {
        throw new TorchworkException(what + " " + file + " declares a size of " + dim + ". It is damaged; use a good copy.");
      }
    }
    return new Header(kind, size, order, shape);
  }

  /**
   * Reads features and labels as a task held in memory.
   *
   * @param features the features' file: rows along the first dimension
   * @param labels the labels' file, one per row; null for a task without a target, to predict
   * @param type the task type the labels are read as: classification (their distinct values,
   *     sorted, are the classes) or regression
   * @return the task
   * @throws TorchworkException naming the file and what is wrong with it
   */
  public static Task read(Path features, Path labels, TaskType type) {
    RowSink.ArraySink sink = new RowSink.ArraySink();
    return scan(features, labels, type, sink).task(sink.values());
  }

  /** Reads the features into a sink, and the labels. */
  static Scanned scan(Path features, Path labels, TaskType type, RowSink sink) {
    CsvTable.requireFile(features, "Features file");
    if (labels != null) {
      CsvTable.requireFile(labels, "Labels file");
    }
    String id = features.getFileName().toString().replaceFirst("(?i)\\.npy$", "");
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(features), 1 << 16))) {
      Header h = header(in, features, "Features file");
      if (h.shape().length < 2) {
        throw new TorchworkException("Features file " + features + " holds an array of shape " + Arrays.toString(h.shape()) + "; a task"
            + " needs rows along the first dimension and at least one value in each: (rows, features), (rows, height, width), ...."
            + " Reshape it, e.g. a.reshape(-1, 1).");
      }
      int n = Math.toIntExact(h.rows());
      if (h.width() > Integer.MAX_VALUE || h.width() < 1) {
        throw new TorchworkException("Features file " + features + " has rows of " + h.width() + " values. Give rows of 1 to "
            + Integer.MAX_VALUE + " values.");
      }
      int width = (int) h.width();
      float[] y = labels == null ? null : labels(labels, n);
      int[] shape = new int[h.shape().length - 1];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = (int) h.shape()[i + 1];
      }
      sink.begin(n, width, "Features file " + features + " (" + n + " rows of shape " + Arrays.toString(shape) + ", " + h.type() + ")");
      byte[] raw = new byte[width * h.size()];
      ByteBuffer bytes = ByteBuffer.wrap(raw).order(h.order());
      float[] row = new float[width];
      for (int i = 0; i < n; i++) {
        try {
          in.readFully(raw);
        } catch (EOFException e) {
          throw new TorchworkException("Features file " + features + " is truncated: it declares " + n + " rows but ends in row "
              + (i + 1) + ". Use a complete copy of the file.", e);
        }
        bytes.clear();
        for (int j = 0; j < width; j++) {
          float v = value(bytes, h);
          if (!Float.isFinite(v)) {
            throw new TorchworkException("Features file " + features + " row " + (i + 1) + ", value " + (j + 1) + ": " + v + " is not"
                + " a finite number. Networks cannot learn from it; replace it (e.g. numpy.nan_to_num) first.");
          }
          row[j] = v;
        }
        sink.accept(row, 0);
      }
      List<String> names = new ArrayList<>(width);
      String prefix = shape.length == 1 ? "x" : "v";
      for (int j = 1; j <= width; j++) {
        names.add(prefix + j);
      }
      int[] rowShape = shape.length == 1 ? null : shape;
      Map<String, String> settings = Map.of("format", "npy");
      if (y == null) {
        float[] none = new float[n];
        Arrays.fill(none, Float.NaN);
        return new Scanned(id, null, null, names, List.of(), none, rowShape, features, settings);
      }
      if (type == TaskType.REGR) {
        return new Scanned(id, TaskType.REGR, "label", names, List.of(), y, rowShape, features, settings);
      }
      TreeSet<Float> distinct = new TreeSet<>();
      for (float v : y) {
        distinct.add(v);
      }
      if (distinct.size() > CsvTable.MAX_NUMERIC_CLASSES || distinct.stream().anyMatch(v -> v != Math.rint(v))) {
        throw new TorchworkException("Labels file " + labels + " holds " + distinct.size() + " distinct values" + (distinct.stream()
            .anyMatch(v -> v != Math.rint(v)) ? ", fractions among them" : "") + ": a regression target, not classes. Use a regr.*"
            + " learner.");
      }
      if (distinct.size() < 2) {
        throw new TorchworkException("Labels file " + labels + " holds one class; classification needs at least 2. Give the labels"
            + " of another set of rows.");
      }
      List<Float> sorted = new ArrayList<>(distinct);
      List<String> classes = new ArrayList<>();
      for (float v : sorted) {
        classes.add(Long.toString((long) v));
      }
      float[] codes = new float[n];
      for (int i = 0; i < n; i++) {
        codes[i] = java.util.Collections.binarySearch(sorted, y[i]);
      }
      return new Scanned(id, TaskType.CLASSIF, "label", names, classes, codes, rowShape, features, settings);
    } catch (IOException e) {
      throw new TorchworkException("Features file " + features + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  private static float[] labels(Path file, int n) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      Header h = header(in, file, "Labels file");
      if (h.rows() != n || h.width() != 1) {
        throw new TorchworkException("Labels file " + file + " holds an array of shape " + Arrays.toString(h.shape()) + " for " + n
            + " rows. Give one label per row: an array of shape (" + n + ",).");
      }
      byte[] raw = new byte[Math.multiplyExact(n, h.size())];
      try {
        in.readFully(raw);
      } catch (EOFException e) {
        throw new TorchworkException("Labels file " + file + " is truncated: it declares " + n + " labels but holds fewer. Use a"
            + " complete copy of the file.", e);
      }
      ByteBuffer bytes = ByteBuffer.wrap(raw).order(h.order());
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = value(bytes, h);
        if (!Float.isFinite(y[i])) {
          throw new TorchworkException("Labels file " + file + " label " + (i + 1) + " is " + y[i] + ". Labels must be finite"
              + " numbers.");
        }
      }
      return y;
    }
  }

  /** The next value, as a float. */
  private static float value(ByteBuffer b, Header h) {
    switch (h.kind()) {
      case 'f':
        return h.size() == 4 ? b.getFloat() : (float) b.getDouble();
      case 'b':
        return b.get() != 0 ? 1 : 0;
      case 'u':
        switch (h.size()) {
          case 1:
            return b.get() & 0xFF;
          case 2:
            return b.getShort() & 0xFFFF;
          case 4:
            return b.getInt() & 0xFFFFFFFFL;
          default:
            long v = b.getLong();
            return v >= 0 ? v : (float) (v >>> 1) * 2f;
        }
      default:
        switch (h.size()) {
          case 1:
            return b.get();
          case 2:
            return b.getShort();
          case 4:
            return b.getInt();
          default:
            return b.getLong();
        }
    }
  }
}
