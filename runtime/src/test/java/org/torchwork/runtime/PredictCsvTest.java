package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.Measure;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;

/** Predicting CSV files: columns by name, an optional target, unseen truth, and no half-written output. */
class PredictCsvTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");
  private static final Measure ACC = PLATFORM.measure("classif.acc");
  private static TorchLearner learner;

  @TempDir Path tmp;

  @BeforeAll
  static void train() {
    learner = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 16).set("neurons", 12).set("seed", 2)
        .set("engine", "pytorch").set("opt.lr", 0.02).set("standardize", true);
    learner.train(IRIS);
  }

  @AfterAll
  static void close() {
    learner.close();
  }

  /** Iris rows with the columns reordered, an extra column, and the target as given. */
  private Path irisCsv(String name, List<String> species) throws IOException {
    StringBuilder csv = new StringBuilder("Petal.Width,id,Species,Sepal.Length,Petal.Length,Sepal.Width\n");
    for (int i = 0; i < IRIS.nrow(); i++) {
      csv.append(IRIS.feature(i, 3)).append(',').append("r").append(i).append(',').append(species.get(i)).append(',')
          .append(IRIS.feature(i, 0)).append(',').append(IRIS.feature(i, 2)).append(',').append(IRIS.feature(i, 1)).append('\n');
    }
    return Files.writeString(tmp.resolve(name), csv);
  }

  private static List<String> truth() {
    List<String> s = new ArrayList<>();
    for (int i = 0; i < IRIS.nrow(); i++) {
      s.add(IRIS.classes().get((int) IRIS.target(i)));
    }
    return s;
  }

  @Test
  void aFileIsPredictedRowByRowMatchingColumnsByNameAndScored() throws IOException {
    Path data = irisCsv("iris.csv", truth());
    Path out = tmp.resolve("out/preds.csv");
    PredictionReport r = learner.model().predictCsv(data, out, List.of(ACC), 7);
    assertEquals(150, r.rows());
    assertEquals(150, r.scored());
    assertTrue(r.hasTruth());
    assertEquals(List.of("row_id", "truth", "response", "prob.setosa", "prob.versicolor", "prob.virginica"), r.columns());

    Prediction expected = learner.predict(IRIS);
    assertEquals(expected.score(ACC), r.scores().get("classif.acc"), 1e-12);
    List<String> lines = Files.readAllLines(out);
    assertEquals(151, lines.size());
    assertEquals("row_id,truth,response,prob.setosa,prob.versicolor,prob.virginica", lines.get(0));
    for (int i = 0; i < 150; i++) {
      String[] cells = lines.get(i + 1).split(",");
      assertEquals(Integer.toString(i + 1), cells[0]);
      assertEquals(truth().get(i), cells[1]);
      assertEquals(expected.responseLabel(i), cells[2]);
      for (int c = 0; c < 3; c++) {
        assertEquals(expected.prob(i, c), Float.parseFloat(cells[3 + c]), 1e-6, "row " + (i + 1));
      }
    }
    assertEquals(lines.subList(1, 11), r.head().stream().map(row -> String.join(",", row)).toList());
  }

  /** A measure that needs all rows at once (the median of the probability of the truth). */
  private static final Measure MEDIAN = new Measure() {
    @Override
    public String id() {
      return "classif.median_prob";
    }

    @Override
    public org.torchwork.api.TaskType taskType() {
      return org.torchwork.api.TaskType.CLASSIF;
    }

    @Override
    public boolean minimize() {
      return false;
    }

    @Override
    public double score(Prediction p) {
      double[] probs = new double[p.nrow()];
      for (int i = 0; i < p.nrow(); i++) {
        probs[i] = p.prob(i, (int) p.truth(i));
      }
      java.util.Arrays.sort(probs);
      return probs[probs.length / 2];
    }
  };

  @Test
  void builtInMeasuresScoreWithRunningSumsAndOthersWithTheRows() throws IOException {
    List<String> species = truth();
    species.set(5, "NA");
    Path data = irisCsv("iris.csv", species);
    Measure logloss = PLATFORM.measure("classif.logloss");
    PredictionReport r = learner.model().predictCsv(data, (Path) null, List.of(ACC, logloss, MEDIAN), 16);
    Task known = IRIS.subset("known", java.util.stream.IntStream.range(0, 150).filter(i -> i != 5).toArray());
    Prediction expected = learner.model().predict(known, 16);
    assertEquals(expected.score(ACC), r.scores().get("classif.acc"), 1e-12);
    assertEquals(expected.score(logloss), r.scores().get("classif.logloss"), 1e-9);
    assertEquals(expected.score(MEDIAN), r.scores().get("classif.median_prob"), 1e-7);
    assertEquals(List.of("classif.acc", "classif.logloss", "classif.median_prob"), List.copyOf(r.scores().keySet()));
  }

  @Test
  void withoutTheTargetColumnThereIsNothingToScoreButAllIsPredicted() throws IOException {
    StringBuilder csv = new StringBuilder("Sepal.Length,Sepal.Width,Petal.Length,Petal.Width\n");
    for (int i = 0; i < 20; i++) {
      csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s%n", IRIS.feature(i, 0), IRIS.feature(i, 1), IRIS.feature(i, 2), IRIS.feature(i, 3)));
    }
    Path data = Files.writeString(tmp.resolve("features.csv"), csv);
    PredictionReport r = learner.model().predictCsv(data, tmp.resolve("p.csv"), List.of(), 64);
    assertFalse(r.hasTruth());
    assertEquals(Map.of(), r.scores());
    assertEquals("row_id,response,prob.setosa,prob.versicolor,prob.virginica", Files.readAllLines(tmp.resolve("p.csv")).get(0));
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> learner.model().predictCsv(data, tmp.resolve("q.csv"), List.of(ACC), 64));
    assertEquals("Data file " + data + " has no column 'Species', the model's target, so there is no truth to score. Add the column,"
        + " or leave out the measures (--score).", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("q.csv")));
  }

  @Test
  void truthUnseenInTrainingIsReportedAndLeftOutOfTheScores() throws IOException {
    List<String> species = truth();
    species.set(0, "hybrid");
    species.set(1, "hybrid");
    species.set(2, "NA");
    Path data = irisCsv("odd.csv", species);
    PredictionReport r = learner.model().predictCsv(data, tmp.resolve("p.csv"), List.of(ACC), 50);
    assertEquals(150, r.rows());
    assertEquals(147, r.scored());
    assertEquals(Map.of("hybrid", 2L), r.unseen());
    assertEquals(1, r.missingTruth());
    Task known = IRIS.subset("known", java.util.stream.IntStream.range(3, 150).toArray());
    assertEquals(learner.predict(known).score(ACC), r.scores().get("classif.acc"), 1e-12);
    assertTrue(Files.readAllLines(tmp.resolve("p.csv")).get(1).startsWith("1,hybrid,"));
  }

  @Test
  void aMissingColumnOrABadValueLeavesNoHalfWrittenFile() throws IOException {
    Path out = Files.writeString(tmp.resolve("preds.csv"), "the previous predictions");
    Path noWidth = Files.writeString(tmp.resolve("no-width.csv"), "Sepal.Length,Sepal.Width,Petal.Length\n1,2,3\n");
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner.model().predictCsv(noWidth, out, List.of(), 10));
    assertEquals("Data file " + noWidth + " has no column 'Petal.Width', which the model needs. Did you mean 'Sepal.Width'? Its"
        + " columns: Sepal.Length, Sepal.Width, Petal.Length. Predict data that has every feature the model was trained on:"
        + " Sepal.Length, Sepal.Width, Petal.Length, Petal.Width.", e.getMessage());

    StringBuilder csv = new StringBuilder("Sepal.Length,Sepal.Width,Petal.Length,Petal.Width\n");
    for (int i = 0; i < 500; i++) {
      csv.append(i == 400 ? "5,3,inf,1\n" : "5,3,1.5,0.2\n");
    }
    Path bad = Files.writeString(tmp.resolve("bad.csv"), csv);
    e = assertThrows(TorchworkException.class, () -> learner.model().predictCsv(bad, out, List.of(), 10));
    assertEquals("Data file " + bad + " line 402, column 'Petal.Length': 'inf' is not a finite number. A feature must be finite:"
        + " remove the value or leave the cell empty (missing values are imputed).", e.getMessage());
    assertEquals("the previous predictions", Files.readString(out), "40 batches were written, to a temporary file now gone");
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("bad.csv", "no-width.csv", "preds.csv"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }

    e = assertThrows(TorchworkException.class, () -> learner.model().predictCsv(bad, bad, List.of(), 10));
    assertTrue(e.getMessage().startsWith("Predictions file " + bad + " is the data file itself"), e.getMessage());
  }

  @Test
  void aPipeOrADeviceIsNeverReplacedByThePredictions() throws Exception {
    Path fifo = tmp.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
    Path data = irisCsv("iris.csv", truth());
    TorchworkException e = assertThrows(TorchworkException.class, () -> learner.model().predictCsv(data, fifo, null, 64));
    assertEquals("Predictions file " + fifo + " is not a regular file (a device or a pipe). Torchwork writes a new file and renames"
        + " it into place, which would replace it. Give a file name, e.g. predictions.csv; leave out --out to write none, or use"
        + " --out - for standard output.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> learner.model().export(fifo, "torchscript"));
    assertTrue(e.getMessage().startsWith("Export file " + fifo + " is not a regular file (a device or a pipe)."), e.getMessage());
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still the pipe it was");
    Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), tmp.resolve("elsewhere.csv"));
    e = assertThrows(TorchworkException.class, () -> learner.model().predictCsv(data, link, null, 64));
    assertTrue(e.getMessage().contains("is a symbolic link, which Torchwork does not write through"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("elsewhere.csv")));
  }
}
