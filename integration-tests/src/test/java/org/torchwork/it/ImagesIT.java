package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images with the command: IDX files (MNIST's format) described, trained on with a convolutional
 * network, and predicted one row per image; and Fashion-MNIST itself, from Debian's package.
 */
class ImagesIT {
  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  @TempDir Path tmp;

  /** Writes n gray images of a bright square in one of two corners, and their labels beside them. */
  static Path corners(Path dir, String prefix, int n, int size, long seed) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream images = new ByteArrayOutputStream();
    ByteArrayOutputStream labels = new ByteArrayOutputStream();
    DataOutputStream im = new DataOutputStream(images);
    DataOutputStream lb = new DataOutputStream(labels);
    im.writeInt(0x803);
    im.writeInt(n);
    im.writeInt(size);
    im.writeInt(size);
    lb.writeInt(0x801);
    lb.writeInt(n);
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(2);
      lb.write(label);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          boolean lit = label == 0 ? y < size / 2 && x < size / 2 : y >= size / 2 && x >= size / 2;
          im.write((lit ? 180 : 20) + r.nextInt(60));
        }
      }
    }
    Path file = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(images.toByteArray());
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))) {
      out.write(labels.toByteArray());
    }
    return file;
  }

  private static double score(String out, String measure) {
    return Double.parseDouble(out.lines().filter(l -> l.trim().startsWith(measure + " = ")).findFirst().orElseThrow()
        .trim().substring((measure + " = ").length()));
  }

  @Test
  void idxImagesAreDescribedTrainedOnAndPredictedAnImageARow() throws IOException {
    Path train = corners(tmp, "train", 240, 8, 1);
    Path test = corners(tmp, "t10k", 100, 8, 2);
    Dist.Result tasks = Dist.torchwork(null, "tasks", train.toString());
    assertEquals(0, tasks.exit(), tasks.toString());
    assertTrue(tasks.out().startsWith("Images file " + train + ": 240 rows of shape 1 x 8 x 8 (pixels scaled to 0..1)"), tasks.out());
    Path model = tmp.resolve("cnn");
    Dist.Result fit = Dist.torchwork(null, "train", "--task", train.toString(), "--learner", "classif.cnn", "--set", "channels=4,8",
        "--set", "dense=16", "--set", "epochs=4", "--set", "batch_size=16", "--set", "opt.lr=0.01", "--set", "seed=1", "--save",
        model.toString());
    assertEquals(0, fit.exit(), fit.toString());
    assertTrue(fit.out().contains("on task train-images (240 rows of shape 1 x 8 x 8)"), fit.out());
    Path out = tmp.resolve("predictions.csv");
    Dist.Result predict = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", test.toString(), "--out",
        out.toString());
    assertEquals(0, predict.exit(), predict.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals("image,truth,response,prob.0,prob.1", lines.get(0));
    assertEquals(101, lines.size());
    assertTrue(lines.get(1).startsWith("1,"), lines.get(1));
    assertTrue(score(predict.out(), "classif.acc") > 0.9, predict.out());
    Dist.Result resample = Dist.torchwork(null, "resample", "--task", train.toString(), "--learner", "classif.cnn", "--set",
        "channels=4", "--set", "dense=8", "--set", "epochs=2", "--set", "batch_size=16", "--folds", "2");
    assertEquals(0, resample.exit(), resample.toString());
  }

  @Test
  void aCallbackIsCertifiedOnAConvolutionalNetworkOverImagesWithAugmentation() throws IOException {
    Path train = corners(tmp, "cert", 64, 8, 7);
    Dist.Result r = Dist.torchwork(null, "certify", "history", "--task", train.toString(), "--learner", "classif.cnn", "--set",
        "channels=2", "--set", "dense=4", "--set", "batch_size=16", "--set", "augment_flip=true", "--set", "augment_crop=1",
        "--epochs", "2");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("certify history: passed."), r.out());
    Dist.Result csv = Dist.torchwork(null, "certify", "history", "--task", tmp.resolve("x.csv").toString());
    assertEquals(2, csv.exit(), csv.toString());
    assertTrue(csv.err().contains("certify trains on a built-in task, an IDX images file or a folder of images."), csv.err());
  }

  @Test
  void anImageRunPlotsWritesJsonFineTunesAndExportsLikeAnyOther() throws IOException {
    Path train = corners(tmp, "tune", 96, 8, 8);
    Path model = tmp.resolve("first");
    Path png = tmp.resolve("curves.png");
    Dist.Result fit = Dist.torchwork(null, "train", "--json", "--task", train.toString(), "--stream", "--learner", "classif.cnn",
        "--set", "channels=4", "--set", "dense=8", "--set", "batch_norm=true", "--set", "epochs=2", "--set", "batch_size=16",
        "--set", "validate=0.25", "--set", "measures_valid=classif.acc", "--set", "seed=1", "--callbacks", "history", "--plot",
        png.toString(), "--save", model.toString());
    assertEquals(0, fit.exit(), fit.toString());
    assertTrue(fit.out().contains("\"data_feed\""), fit.out());
    assertTrue(fit.out().contains("\"wait_share\""), fit.out());
    assertTrue(Files.size(png) > 1000, "a plot was drawn");
    Dist.Result again = Dist.torchwork(null, "train", "--task", train.toString(), "--learner", "classif.cnn", "--set", "channels=4",
        "--set", "dense=8", "--set", "batch_norm=true", "--set", "epochs=1", "--set", "batch_size=16", "--init-from", model.toString());
    assertEquals(0, again.exit(), again.toString());
    Path pt = tmp.resolve("cnn.pt");
    Dist.Result export = Dist.torchwork(null, "export", "--model", model.toString(), "--out", pt.toString());
    assertEquals(0, export.exit(), export.toString());
    assertTrue(Files.size(pt) > 0);
  }

  @Test
  void aConvolutionalNetworkIsTunedOnStreamedImages() throws IOException {
    Path train = corners(tmp, "grid", 64, 8, 9);
    Path run = tmp.resolve("run.yaml");
    Files.writeString(run, "task: " + train + "\nstream: true\nlearner: classif.cnn\nparams:\n  channels: 2\n  dense: 4\n  epochs: 1\n"
        + "  batch_size: 16\n  seed: 1\nsearch:\n  opt.lr: [0.001, 0.01]\n");
    Dist.Result tune = Dist.torchwork(null, "tune", "--config", run.toString(), "--folds", "2", "--method", "grid", "--out",
        tmp.resolve("tuning").toString());
    assertEquals(0, tune.exit(), tune.toString());
    assertTrue(tune.out().contains("opt.lr"), tune.out());
    assertTrue(Files.isRegularFile(tmp.resolve("grid-images-idx3-ubyte.gz.rows")), "trials read the streamed cache");
  }

  /** PNG images of a bright square in one of two corners, in one subfolder per class (or, with no classes, loose). */
  static void folder(Path dir, int n, int size, long seed, boolean classes) throws IOException {
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(2);
      java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(size + 4, size, java.awt.image.BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size + 4; x++) {
          boolean lit = label == 0 ? y < size / 2 && x < size / 2 + 2 : y >= size / 2 && x >= size / 2 + 2;
          int v = (lit ? 180 : 20) + r.nextInt(60);
          image.setRGB(x, y, new java.awt.Color(v, v, v).getRGB());
        }
      }
      Path target = classes ? dir.resolve(label == 0 ? "top" : "bottom") : dir;
      Files.createDirectories(target);
      javax.imageio.ImageIO.write(image, "png", target.resolve(String.format("img%03d.png", i)).toFile());
    }
  }

  @Test
  void aFolderOfImagesTrainsAndItsFilesArePredictedByName() throws IOException {
    Path train = tmp.resolve("shapes");
    folder(train, 160, 8, 3, true);
    Path fresh = tmp.resolve("fresh");
    folder(fresh, 12, 8, 4, false);
    Dist.Result tasks = Dist.torchwork(null, "tasks", train.toString(), "--crop", "8");
    assertEquals(0, tasks.exit(), tasks.toString());
    assertTrue(tasks.out().contains("160 rows of shape 1 x 8 x 8"), tasks.out());
    Path model = tmp.resolve("folder-cnn");
    Dist.Result fit = Dist.torchwork(null, "train", "--task", train.toString(), "--crop", "8", "--learner", "classif.cnn", "--set",
        "channels=4,8", "--set", "dense=16", "--set", "epochs=5", "--set", "batch_size=16", "--set", "opt.lr=0.01", "--set", "seed=1",
        "--save", model.toString(), "--score", "classif.acc");
    assertEquals(0, fit.exit(), fit.toString());
    assertTrue(score(fit.out(), "classif.acc") > 0.9, fit.out());
    Path out = tmp.resolve("files.csv");
    Dist.Result predict = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", fresh.toString(), "--out",
        out.toString());
    assertEquals(0, predict.exit(), predict.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals("file,response,prob.bottom,prob.top", lines.get(0));
    assertEquals(13, lines.size());
    assertTrue(lines.get(1).startsWith("img000.png,"), lines.get(1));
  }

  /** Fashion-MNIST as Debian ships it, installed here when it is not yet; skipped, with the reason, where it cannot be. */
  @Test
  void fashionMnistFromDebiansPackageTrainsAndPredicts() throws Exception {
    if (!Files.isDirectory(FASHION)) {
      Process install = new ProcessBuilder("apt-get", "install", "-y", "dataset-fashion-mnist").redirectErrorStream(true).start();
      String log = new String(install.getInputStream().readAllBytes());
      Assumptions.assumeTrue(install.waitFor() == 0 && Files.isDirectory(FASHION),
          "Debian's dataset-fashion-mnist cannot be installed here (apt-get install -y dataset-fashion-mnist): " + log);
    }
    Path model = tmp.resolve("fashion");
    Path test = FASHION.resolve("t10k-images-idx3-ubyte.gz");
    // The 10,000 test images, one epoch of a small network: enough to show it learns, in seconds.
    Dist.Result fit = Dist.torchwork(null, "train", "--task", test.toString(), "--learner", "classif.cnn", "--set", "channels=8,16",
        "--set", "dense=32", "--set", "epochs=1", "--set", "batch_size=64", "--set", "seed=1", "--save", model.toString());
    assertEquals(0, fit.exit(), fit.toString());
    Dist.Result predict = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", test.toString());
    assertEquals(0, predict.exit(), predict.toString());
    double acc = score(predict.out(), "classif.acc");
    assertTrue(acc > 0.7, "the dataset's own benchmark has multilayer perceptrons at about 0.88; one epoch of a small network: "
        + acc);
  }
}
