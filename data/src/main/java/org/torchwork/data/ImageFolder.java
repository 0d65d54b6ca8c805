package org.torchwork.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.internal.TaskAccess;

/**
 * A folder of images as a task, as torchvision's and DJL's {@code ImageFolder} read one: one
 * subfolder per class, holding PNG, JPEG, GIF or BMP files (a folder of images alone is a task
 * without a target, to predict). Each image is decoded with the JDK, resized so that its shorter
 * side is {@code resize} pixels, cropped to {@code crop} x {@code crop} in its centre, and becomes a
 * row of shape channels x height x width (1 channel when the first images hold only grays, unless
 * {@code channels} says otherwise): pixels scaled to 0..1, then, with {@code mean} and
 * {@code std}, normalized per channel. Images whose declared size is beyond
 * {@value #MAX_SIDE} pixels a side are refused before they are decoded.
 */
public final class ImageFolder {
  /** The widest or tallest image decoded: larger ones are refused unread (a decompression bomb). */
  public static final int MAX_SIDE = 8192;
  static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "gif", "bmp");

  private final Path dir;
  private int resize;
  private int crop;
  private int channels;
  private double[] mean;
  private double[] std;

  private ImageFolder(Path dir) {
    this.dir = dir;
  }

  /**
   * A folder of images.
   *
   * @param dir the folder: one subfolder per class, or the images themselves
   * @return the folder, with no resizing, cropping or normalization yet
   */
  public static ImageFolder of(Path dir) {
    return new ImageFolder(dir);
  }

  /**
   * Sets a setting as users write it: {@code resize} (the shorter side's pixels), {@code crop} (the
   * centre square's side), {@code channels} (1 for gray, 3 for color), {@code mean} and
   * {@code std} (per channel, comma-separated). Other keys are ignored.
   *
   * @param key the setting
   * @param value its value
   * @return this folder
   * @throws TorchworkException for a value that is not allowed
   */
  public ImageFolder set(String key, String value) {
    switch (key) {
      case "resize":
        resize = positive(key, value);
        break;
      case "crop":
        crop = positive(key, value);
        break;
      case "channels":
        channels = positive(key, value);
        if (channels != 1 && channels != 3) {
          throw new TorchworkException("channels=" + value + ": images have 1 channel (gray) or 3 (color). Give 1 or 3.");
        }
        break;
      case "mean":
        mean = numbers(key, value);
        break;
      case "std":
        std = numbers(key, value);
        for (double s : std) {
          if (!(s > 0)) {
            throw new TorchworkException("std=" + value + " holds " + s + "; a standard deviation must be above 0.");
          }
        }
        break;
      default:
        break;
    }
    return this;
  }

  /**
   * The settings given, as {@link #set} takes them.
   *
   * @return the settings
   */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "images");
    if (resize > 0) {
      m.put("resize", Integer.toString(resize));
    }
    if (crop > 0) {
      m.put("crop", Integer.toString(crop));
    }
    if (channels > 0) {
      m.put("channels", Integer.toString(channels));
    }
    if (mean != null) {
      m.put("mean", join(mean));
    }
    if (std != null) {
      m.put("std", join(std));
    }
    return m;
  }

  /**
   * Images read, with the files they came from.
   *
   * @param task the task: a row per image, of shape channels x height x width
   * @param files each row's file, relative to the folder
   */
  public record Loaded(Task task, List<String> files) {}

  /**
   * Reads the images.
   *
   * @return the task and the files
   * @throws TorchworkException naming the folder or file and what is wrong
   */
  public Loaded read() {
    RowSink.ArraySink sink = new RowSink.ArraySink();
    List<String> names = new ArrayList<>();
    Scanned scanned = scan(sink, names);
    return new Loaded(scanned.task(sink.values()), names);
  }

  /** Decodes the images into a sink, in file order; {@code names} receives each one's file, relative to the folder. */
  Scanned scan(RowSink sink, List<String> names) {
    if (!Files.isDirectory(dir)) {
      throw new TorchworkException("Image folder " + dir + " " + (Files.exists(dir) ? "is not a folder" : "does not exist")
          + ". Give a folder with one subfolder of images per class (or the images to predict).");
    }
    if ((mean == null) != (std == null)) {
      throw new TorchworkException("mean and std normalize images together; give both (e.g. --mean 0.5 --std 0.5) or neither.");
    }
    List<String> classes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<Path> loose = images(dir);
    List<Path> subfolders = list(dir).stream().filter(Files::isDirectory).filter(p -> !hidden(p)).toList();
    if (!loose.isEmpty() && !subfolders.isEmpty()) {
      throw new TorchworkException("Image folder " + dir + " holds both images (" + dir.relativize(loose.get(0)) + ", ...) and"
          + " subfolders (" + dir.relativize(subfolders.get(0)) + ", ...). Put every image in its class's subfolder, or give a"
          + " folder of images alone to predict them.");
    }
    if (loose.isEmpty()) {
      for (Path sub : subfolders) {
        List<Path> inside = images(sub);
        if (inside.isEmpty()) {
          continue;
        }
        classes.add(sub.getFileName().toString());
        for (Path f : inside) {
          files.add(f);
          labels.add(classes.size() - 1);
        }
      }
    } else {
      files.addAll(loose);
    }
    if (files.isEmpty()) {
      throw new TorchworkException("Image folder " + dir + " holds no images (" + String.join(", ", EXTENSIONS) + "). Give a folder"
          + " with one subfolder of images per class.");
    }
    boolean labeled = !classes.isEmpty();
    if (labeled && classes.size() < 2) {
      throw new TorchworkException("Image folder " + dir + " has images of one class (" + classes.get(0) + "); classification needs"
          + " at least 2. Add a subfolder of images per class.");
    }
    int c = channels > 0 ? channels : detectChannels(files);
    int[] size = null;
    float[] x = null;
    int pixels = 0;
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      BufferedImage image = prepare(decode(f));
      if (size == null) {
        size = new int[] {image.getHeight(), image.getWidth()};
        pixels = c * size[0] * size[1];
        sink.begin(files.size(), pixels, "Image folder " + dir + " (" + files.size() + " images of " + c + " x " + size[0] + " x "
            + size[1] + ")");
        x = new float[pixels];
      } else if (image.getHeight() != size[0] || image.getWidth() != size[1]) {
        throw new TorchworkException("Image folder " + dir + ": " + dir.relativize(f) + " is " + image.getWidth() + " x "
            + image.getHeight() + " pixels once prepared, " + dir.relativize(files.get(0)) + " " + size[1] + " x " + size[0] + "."
            + " Images must be of one size: give --resize N and --crop N (e.g. 224) to make them so.");
      }
      fill(image, c, x, 0);
      sink.accept(x, 0);
    }
    List<String> features = new ArrayList<>(pixels);
    for (int j = 1; j <= pixels; j++) {
      features.add("pixel" + j);
    }
    int n = files.size();
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = labeled ? labels.get(i) : Float.NaN;
    }
    String id = dir.toAbsolutePath().normalize().getFileName() == null ? "images" : dir.toAbsolutePath().normalize().getFileName()
        .toString();
    Map<String, String> settings = settings();
    settings.put("channels", Integer.toString(c));
    files.forEach(f -> names.add(dir.relativize(f).toString()));
    return new Scanned(id, labeled ? TaskType.CLASSIF : null, labeled ? "class" : null, features, labeled ? classes : List.of(), y,
        new int[] {c, size[0], size[1]}, dir, settings);
  }

  /** The images directly in a folder, sorted by name; hidden files and others skipped. */
  private static List<Path> images(Path folder) {
    return list(folder).stream().filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(ImageFolder::isImage).toList();
  }

  private static List<Path> list(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new TorchworkException("Image folder " + folder + " cannot be listed: " + e.getMessage() + ".", e);
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  static boolean isImage(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  /** 3 when any of the first images has a pixel of color (red, green and blue not all equal), else 1. */
  private static int detectChannels(List<Path> files) {
    for (Path f : files.subList(0, Math.min(files.size(), 16))) {
      BufferedImage image = decode(f);
      if (image.getColorModel().getNumColorComponents() == 1) {
        continue;
      }
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int rgb = image.getRGB(x, y);
          int r = (rgb >> 16) & 0xFF;
          if (r != ((rgb >> 8) & 0xFF) || r != (rgb & 0xFF)) {
            return 3;
          }
        }
      }
    }
    return 1;
  }

  /** Decodes an image, its declared size checked before its pixels are. */
  static BufferedImage decode(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new TorchworkException("Image " + file + " cannot be opened. Check that it is a readable file.");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new TorchworkException("Image " + file + " is not an image Torchwork can decode (" + String.join(", ", EXTENSIONS)
            + "). Remove it from the folder, or convert it.");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > MAX_SIDE || h > MAX_SIDE) {
          throw new TorchworkException("Image " + file + " declares " + w + " x " + h + " pixels, beyond " + MAX_SIDE + " a side; it is"
              + " not decoded (it would take " + Limits.bytes(4.0 * w * h) + "). Shrink it first, or remove it.");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof TorchworkException) {
        throw (TorchworkException) e;
      }
      throw new TorchworkException("Image " + file + " cannot be decoded: " + e.getMessage() + ". Remove or replace the file.", e);
    }
  }

  /** Resizes (shorter side) and crops (centre) as set. */
  private BufferedImage prepare(BufferedImage image) {
    BufferedImage out = image;
    if (resize > 0) {
      double scale = (double) resize / Math.min(out.getWidth(), out.getHeight());
      int w = Math.max(1, (int) Math.round(out.getWidth() * scale));
      int h = Math.max(1, (int) Math.round(out.getHeight() * scale));
      BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = scaled.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(out, 0, 0, w, h, null);
      g.dispose();
      out = scaled;
    }
    if (crop > 0) {
      if (crop > out.getWidth() || crop > out.getHeight()) {
        throw new TorchworkException("crop=" + crop + " is larger than an image of " + out.getWidth() + " x " + out.getHeight() + " in"
            + " image folder " + dir + ". Give a smaller crop, or resize=" + crop + " first.");
      }
      out = out.getSubimage((out.getWidth() - crop) / 2, (out.getHeight() - crop) / 2, crop, crop);
    }
    return out;
  }

  /** Writes an image's pixels, channels first, scaled to 0..1 and normalized. */
  private void fill(BufferedImage image, int c, float[] x, int base) {
    int h = image.getHeight();
    int w = image.getWidth();
    int plane = h * w;
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int rgb = image.getRGB(col, row);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int at = row * w + col;
        if (c == 1) {
          // ITU-R 601 luma, as PIL's convert("L").
          x[base + at] = normalized(0, (r * 299 + g * 587 + b * 114) / 1000f / 255f);
        } else {
          x[base + at] = normalized(0, r / 255f);
          x[base + plane + at] = normalized(1, g / 255f);
          x[base + 2 * plane + at] = normalized(2, b / 255f);
        }
      }
    }
  }

  private float normalized(int channel, float v) {
    if (mean == null) {
      return v;
    }
    int i = Math.min(channel, mean.length - 1);
    return (float) ((v - mean[i]) / std[Math.min(channel, std.length - 1)]);
  }

  private static int positive(String key, String value) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new TorchworkException(key + "=" + value + " is not a whole number of at least 1. Give e.g. " + key + "=28.");
    }
  }

  private static double[] numbers(String key, String value) {
    String[] parts = value.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new TorchworkException(key + "=" + value + " is not a list of numbers. Give one per channel, e.g. " + key
            + "=0.485,0.456,0.406, or one for all.");
      }
    }
    return out;
  }

  private static String join(double[] values) {
    List<String> s = new ArrayList<>();
    for (double v : values) {
      s.add(Double.toString(v));
    }
    return String.join(",", s);
  }

  /**
   * Whether a path is a folder of images (or of class subfolders of images).
   *
   * @param p the path
   * @return true for a folder
   */
  public static boolean isFolder(Path p) {
    return Files.isDirectory(p);
  }
}
