package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data streamed from disk with the command ({@code --stream}): the cache built beside the data,
 * used again, rebuilt when the data changes, refused when tampered with, and one that cannot be
 * written (as a second user) refused saying where to put it; and a network of DJL blocks from a
 * plugin jar trained on streamed images.
 */
class StreamingIT {
  @TempDir Path tmp;

  private Path table(Path file, int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder csv = new StringBuilder("id;a;b;c;kind\n");
    for (int i = 0; i < rows; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian();
      csv.append("row").append(i).append(';').append(a).append(';').append(b).append(';').append(r.nextInt(3)).append(';')
          .append(a + b > 0 ? "up" : "down").append('\n');
    }
    Files.writeString(file, csv);
    return file;
  }

  private static List<String> train(Path data, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--task", data.toString(), "--target", "kind", "--id", "id", "--stream",
        "--learner", "classif.mlp", "--set", "epochs=3", "--set", "batch_size=32", "--set", "seed=1", "--set", "validate=0.25",
        "--score", "classif.acc"));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void aStreamedTableBuildsItsCacheOnceRebuildsItWhenTheDataChangesAndRefusesOneTamperedWith() throws IOException {
    Path data = table(tmp.resolve("rows.csv"), 400, 1);
    Path cache = tmp.resolve("rows.csv.rows");
    Dist.Result first = Dist.torchwork(null, train(data).toArray(String[]::new));
    assertEquals(0, first.exit(), first.toString());
    assertTrue(first.err().contains("note: built cache " + cache + " of " + data + " (there was no cache)"), first.err());
    assertTrue(first.out().contains("Data: rows streamed from cache " + cache + "; waited for them "), first.out());
    assertTrue(Files.isRegularFile(cache));

    Dist.Result again = Dist.torchwork(null, train(data).toArray(String[]::new));
    assertEquals(0, again.exit(), again.toString());
    assertTrue(again.err().contains("note: streaming rows from cache " + cache), again.err());
    // The same rows, the same seed: the same scores.
    assertEquals(first.out().lines().filter(l -> l.contains("classif.acc =")).toList(),
        again.out().lines().filter(l -> l.contains("classif.acc =")).toList());

    table(data, 500, 2);
    Dist.Result changed = Dist.torchwork(null, train(data).toArray(String[]::new));
    assertEquals(0, changed.exit(), changed.toString());
    assertTrue(changed.err().contains("note: built cache " + cache + " of " + data + " (the source changed: was " + data + " "),
        changed.err());
    assertTrue(changed.out().contains("(500 rows"), changed.out());

    try (RandomAccessFile f = new RandomAccessFile(cache.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b ^ 1);
    }
    byte[] tampered = Files.readAllBytes(cache);
    Dist.Result refused = Dist.torchwork(null, train(data).toArray(String[]::new));
    assertFalse(refused.exit() == 0, refused.toString());
    assertTrue(refused.err().contains("Cache " + cache + " is refused: its bytes do not match the checksum it ends with: it was"
        + " changed after it was written (edited, damaged or cut short). Its rows are not used. Delete it, and it is rebuilt from "
        + data + "."), refused.err());
    assertTrue(java.util.Arrays.equals(tampered, Files.readAllBytes(cache)), "the tampered cache is left for inspection");

    // A cache named elsewhere, and a table the stream cannot take.
    Path elsewhere = tmp.resolve("elsewhere.rows");
    Dist.Result named = Dist.torchwork(null, train(data, "--cache", elsewhere.toString()).toArray(String[]::new));
    assertEquals(0, named.exit(), named.toString());
    assertTrue(Files.isRegularFile(elsewhere));
    Path words = tmp.resolve("words.csv");
    Files.writeString(words, "a,b,kind\n1,x,up\n2,y,down\n");
    Dist.Result text = Dist.torchwork(null, "train", "--task", words.toString(), "--target", "kind", "--stream", "--learner",
        "classif.mlp", "--set", "epochs=1", "--set", "batch_size=2");
    assertFalse(text.exit() == 0, text.toString());
    assertTrue(text.err().contains("line 2, column 'b': 'x' is not a number, but a streamed table (--stream) takes a number in every"
        + " feature cell"), text.err());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("words.csv.rows")).toList(),
          "no half-written cache");
    }
  }

  @Test
  void aSecondUserWhoMayNotWriteBesideTheDataIsToldToNameAPlaceForTheCache() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving files to another user needs root; this runs as "
        + System.getProperty("user.name"));
    assumeTrue(Stream.of("/usr/bin/setpriv", "/bin/setpriv").anyMatch(p -> Files.isExecutable(Path.of(p))),
        "setpriv (util-linux) is needed to run as a second user");
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Path data = table(shared.resolve("rows.csv"), 100, 3);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path home = Files.createDirectories(tmp.resolve("home"));
    assertEquals(0, Dist.run(List.of("chown", "65534", home.toString()), Map.of()).exit());
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
        "HOME=" + home, Dist.HOME.resolve("bin/torchwork").toString()));
    command.addAll(train(data));
    Dist.Result r = Dist.run(command, Map.of());
    assertFalse(r.exit() == 0, r.toString());
    assertTrue(r.err().contains("The cache for " + data + " cannot be written at " + shared.resolve("rows.csv.rows")
        + ": permission denied. Name a place Torchwork may write it (--cache FILE)."), r.err());
    // Where the second user may write, it trains.
    command.addAll(List.of("--cache", home.resolve("rows.rows").toString()));
    Dist.Result named = Dist.run(command, Map.of());
    assertEquals(0, named.exit(), named.toString());
    assertTrue(Files.isRegularFile(home.resolve("rows.rows")));
  }

  @Test
  void aNetworkOfDjlBlocksFromAPluginJarTrainsOnStreamedImagesAndPredictsThem() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(Dist.REPO_PLUGINS.resolve("conv-net.jar"), plugins.resolve("conv-net.jar"));
    Dist.Result describe = Dist.torchwork(plugins, "learners", "classif.conv_net");
    assertEquals(0, describe.exit(), describe.toString());
    assertTrue(describe.out().contains("filters"), describe.out());
    assertTrue(describe.out().contains("conv-net.jar"), describe.out());
    Path train = ImagesIT.corners(tmp, "train", 240, 8, 5);
    Path test = ImagesIT.corners(tmp, "t10k", 100, 8, 6);
    Path model = tmp.resolve("conv");
    Dist.Result fit = Dist.torchwork(plugins, "train", "--task", train.toString(), "--stream", "--learner", "classif.conv_net",
        "--set", "filters=4", "--set", "epochs=4", "--set", "batch_size=16", "--set", "opt.lr=0.01", "--set", "seed=1",
        "--set", "augment_flip=true", "--save", model.toString());
    assertEquals(0, fit.exit(), fit.toString());
    assertTrue(fit.out().contains("Data: rows streamed from cache " + train + ".rows"), fit.out());
    Dist.Result predict = Dist.torchwork(plugins, "predict", "--model", model.toString(), "--data", test.toString());
    assertEquals(0, predict.exit(), predict.toString());
    double acc = Double.parseDouble(predict.out().lines().filter(l -> l.trim().startsWith("classif.acc = ")).findFirst()
        .orElseThrow().trim().substring("classif.acc = ".length()));
    assertTrue(acc > 0.9, predict.out());
    Dist.Result bad = Dist.torchwork(plugins, "train", "--task", train.toString(), "--learner", "classif.conv_net", "--set",
        "blocks=9", "--set", "epochs=1", "--set", "batch_size=16");
    assertEquals(2, bad.exit(), bad.toString());
    assertTrue(bad.err().contains("Parameter 'blocks': 9 is out of range. It must be an integer in [1, 6], e.g. blocks=2."),
        bad.err());
  }
}
