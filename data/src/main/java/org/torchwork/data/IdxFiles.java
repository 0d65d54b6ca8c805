package org.torchwork.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * IDX files, the format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte}, gzipped or
 * not): a file of images (unsigned bytes, n x height x width) and, beside it, a file of labels (n
 * unsigned bytes). The images become a task whose rows are tensors of shape 1 x height x width,
 * each pixel scaled from 0..255 to 0..1 (as torchvision's {@code ToTensor} does); the labels its
 * classes, named by their numbers.
 */
public final class IdxFiles {
  private static final Pattern IMAGES = Pattern.compile("(.*)images-idx3-ubyte(\\.gz)?");
  private static final int UBYTE = 0x08;

  private IdxFiles() {}

  /**
   * Whether a path names an IDX file, by the standard names ({@code ...-idx3-ubyte[.gz]}) or by
   * its first bytes.
   *
   * @param file the path
   * @return true for an IDX file
   */
  public static boolean isIdx(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    if (name.matches(".*-idx[1-4]-ubyte(\\.gz)?")) {
      return true;
    }
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (InputStream in = open(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] == UBYTE && head[3] >= 1 && head[3] <= 4;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The labels file the standard names put beside an images file:
   * {@code train-images-idx3-ubyte.gz} has {@code train-labels-idx1-ubyte.gz}.
   *
   * @param images the images file
   * @return the labels file's path (which may not exist), or null when the images file's name is
   *     not a standard one
   */
  public static Path labelsBeside(Path images) {
    Matcher m = IMAGES.matcher(images.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    return images.resolveSibling(m.group(1) + "labels-idx1-ubyte" + (m.group(2) == null ? "" : m.group(2)));
  }

  /**
   * Reads images and their labels as a classification task.
   *
   * @param images the images file
   * @param labels the labels file; null to use the one beside the images by the standard names, or
   *     none when there is none (a task without a target, to predict)
   * @return the task: features {@code pixel1 ... pixelN}, rows of shape 1 x height x width, classes
   *     the labels' numbers in numeric order
   * @throws TorchworkException naming the file and what is wrong with it
   */
  public static Task read(Path images, Path labels) {
    RowSink.ArraySink sink = new RowSink.ArraySink();
    return scan(images, labels, sink).task(sink.values());
  }

  /** Reads the images into a sink, and the labels. */
  static Scanned scan(Path images, Path labels, RowSink sink) {
    CsvTable.requireFile(images, "Images file");
    Path labelFile = labels != null ? labels : labelsBeside(images);
    if (labels != null) {
      CsvTable.requireFile(labels, "Labels file");
    }
    if (labelFile != null && !Files.isRegularFile(labelFile)) {
      labelFile = null;
    }
    String id = images.getFileName().toString().replaceFirst("-idx\\d-ubyte(\\.gz)?$", "");
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(images), 1 << 16))) {
      int[] dims = header(in, images, 3, "Images file");
      int n = dims[0];
      int pixels = dims[1] * dims[2];
      // The labels first: a wrong labels file is found before the images are read.
      int[] codes = labelFile == null ? null : labels(labelFile, n);
      sink.begin(n, pixels, "Images file " + images + " (" + n + " images of " + dims[1] + " x " + dims[2] + ")");
      float[] x = new float[pixels];
      byte[] row = new byte[pixels];
      for (int i = 0; i < n; i++) {
        try {
          in.readFully(row);
        } catch (EOFException e) {
          throw new TorchworkException("Images file " + images + " is truncated: it declares " + n + " images of " + dims[1] + " x "
              + dims[2] + " but ends in image " + (i + 1) + ". Use a complete copy of the file.", e);
        }
        for (int j = 0; j < pixels; j++) {
          x[j] = (row[j] & 0xFF) / 255f;
        }
        sink.accept(x, 0);
      }
      List<String> features = new ArrayList<>(pixels);
      for (int j = 1; j <= pixels; j++) {
        features.add("pixel" + j);
      }
      int[] shape = {1, dims[1], dims[2]};
      if (codes == null) {
        float[] y = new float[n];
        java.util.Arrays.fill(y, Float.NaN);
        return new Scanned(id, null, null, features, List.of(), y, shape, images, Map.of());
      }
      TreeSet<Integer> distinct = new TreeSet<>();
      for (int c : codes) {
        distinct.add(c);
      }
      List<String> classes = new ArrayList<>();
      int[] index = new int[256];
      for (int c : distinct) {
        index[c] = classes.size();
        classes.add(Integer.toString(c));
      }
      if (classes.size() < 2) {
        throw new TorchworkException("Labels file " + labelFile + " holds one class (" + classes + "); classification needs at least"
            + " 2. Give the labels of another set of images.");
      }
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        y[i] = index[codes[i]];
      }
      return new Scanned(id, TaskType.CLASSIF, "label", features, classes, y, shape, images, Map.of());
    } catch (IOException e) {
      throw new TorchworkException("Images file " + images + " cannot be read: " + e.getMessage() + ".", e);
    }
  }

  private static int[] labels(Path file, int n) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
      int[] dims = header(in, file, 1, "Labels file");
      if (dims[0] != n) {
        throw new TorchworkException("Labels file " + file + " holds " + dims[0] + " labels for " + n + " images. Give the labels file"
            + " of these images (--labels FILE).");
      }
      byte[] bytes = new byte[n];
      try {
        in.readFully(bytes);
      } catch (EOFException e) {
        throw new TorchworkException("Labels file " + file + " is truncated: it declares " + n + " labels but holds fewer. Use a"
            + " complete copy of the file.", e);
      }
      int[] out = new int[n];
      for (int i = 0; i < n; i++) {
        out[i] = bytes[i] & 0xFF;
      }
      return out;
    }
  }

  /** The sizes an IDX header declares, checked to be unsigned bytes of the given number of dimensions. */
  private static int[] header(DataInputStream in, Path file, int wanted, String what) throws IOException {
    byte[] magic = new byte[4];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      throw new TorchworkException(what + " " + file + " is empty or shorter than an IDX header. Give an IDX file (e.g."
          + " train-images-idx3-ubyte.gz).", e);
    }
    if (magic[0] != 0 || magic[1] != 0) {
      throw new TorchworkException(what + " " + file + " is not an IDX file: it does not start with two zero bytes. Give an IDX"
          + " file (e.g. train-images-idx3-ubyte.gz), or a CSV file.");
    }
    if (magic[2] != UBYTE) {
      throw new TorchworkException(what + " " + file + " holds IDX values of type 0x" + Integer.toHexString(magic[2] & 0xFF)
          + "; Torchwork reads unsigned bytes (0x08), as MNIST and Fashion-MNIST have them.");
    }
    if (magic[3] != wanted) {
      throw new TorchworkException(what + " " + file + " has " + magic[3] + " dimension(s); " + (wanted == 3
          ? "an images file has 3 (images, height, width)" : "a labels file has 1") + ". Give the " + (wanted == 3 ? "images"
          : "labels") + " file.");
    }
    int[] dims = new int[wanted];
    for (int i = 0; i < wanted; i++) {
      dims[i] = in.readInt();
      if (dims[i] < 1) {
        throw new TorchworkException(what + " " + file + " declares a size of " + dims[i] + ". It is damaged; use a good copy.");
      }
    }
    return dims;
  }

  /** A file's bytes, unzipped when it is gzipped. */
  private static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file));
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    return a == 0x1f && b == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
  }
}
