package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchwork.api.ColumnType;
import org.torchwork.api.ParamSet;
import org.torchwork.api.Param;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

class PreprocessingTest {
  private static Task read(String csv) {
    return CsvTable.of("t.csv", csv.getBytes(StandardCharsets.UTF_8)).target("y").task(TaskType.CLASSIF);
  }

  private static float[] row(Task t, int i) {
    float[] r = new float[t.nfeatures()];
    for (int j = 0; j < r.length; j++) {
      r[j] = t.feature(i, j);
    }
    return r;
  }

  private static final String MIXED = "age,colour,y\n10,red,a\n,blue,b\n30,,a\n20,red,b\n";

  @Test
  void missingNumbersTakeTheMedianAndCategoriesBecomeOneHotColumnsWithAMissingLevel() {
    Task t = read(MIXED);
    Preprocessing p = Preprocessing.fit(t, Preprocessing.ONE_HOT, "median", true, 1000);
    assertEquals(List.of("age", "age.missing", "colour=blue", "colour=red", "colour=.missing"), p.encodedNames());
    assertEquals(20.0, p.inputs().get(0).fill(), "the median of 10, 30 and 20");
    Task e = p.encode(t, "Task", null);
    assertEquals(p.encodedNames(), e.featureNames());
    assertArrayEquals(new float[] {10, 0, 0, 1, 0}, row(e, 0));
    assertArrayEquals(new float[] {20, 1, 1, 0, 0}, row(e, 1));
    assertArrayEquals(new float[] {30, 0, 0, 0, 1}, row(e, 2));
    assertEquals(t.classes(), e.classes());
    assertEquals(t.target(3), e.target(3));
    assertArrayEquals(new boolean[] {true, false, false, false, false}, p.scalable());
  }

  @Test
  void aLevelTrainingNeverSawIsTakenAsMissingAndCounted() {
    Preprocessing p = Preprocessing.fit(read(MIXED), Preprocessing.ONE_HOT, "median", false, 1000);
    Task other = read("age,colour,y\n5,green,a\n6,blue,b\n7,green,a\n");
    Map<String, Map<String, Long>> unseen = new LinkedHashMap<>();
    Task e = p.encode(other, "Task", unseen);
    assertEquals(Map.of("colour", Map.of("green", 2L)), unseen);
    assertArrayEquals(new float[] {5, 0, 0, 1}, row(e, 0), "green goes to colour=.missing");
    assertArrayEquals(new float[] {6, 1, 0, 0}, row(e, 1), "blue is matched by label, whatever its index in the other task");
    // Without missing values in training there is no .missing column: an unseen level is all zeros.
    Preprocessing clean = Preprocessing.fit(read("c,y\nu,a\nv,b\n"), Preprocessing.ONE_HOT, "median", false, 1000);
    assertArrayEquals(new float[] {0, 0}, row(clean.encode(read("c,y\nw,a\nu,b\n"), "Task", null), 0));
  }

  @Test
  void levelIndicesPutCategoriesLastWithAReservedIndex() {
    Task t = read("colour,age,size,y\nred,10,s,a\nblue,20,m,b\n,30,s,a\n");
    Preprocessing p = Preprocessing.fit(t, Preprocessing.INDICES, "median", false, 1000);
    assertEquals(List.of("age", "colour", "size"), p.encodedNames());
    assertEquals(List.of(3, 3), p.cardinalities(), "two levels each, and one for missing or unseen");
    Task e = p.encode(t, "Task", null);
    assertArrayEquals(new float[] {10, 1, 1}, row(e, 0));
    assertArrayEquals(new float[] {20, 0, 0}, row(e, 1));
    assertArrayEquals(new float[] {30, 2, 1}, row(e, 2), "missing colour takes the reserved index 2");
  }

  @Test
  void imputeNoneRefusesWithTheCountPerFeatureAndTooManyLevelsAreRefusedForOneHot() {
    assertEquals("Task 't' has missing values (age: 1, colour: 1 row(s)), and impute=none refuses them. Set impute=median (the"
        + " default) or impute=mean, or remove those rows.",
        assertThrows(TorchworkException.class, () -> Preprocessing.fit(read(MIXED), Preprocessing.ONE_HOT, "none", false, 1000))
            .getMessage());
    assertEquals("Feature 'colour' of task 't' has 2 levels, more than max_levels=1 allows for one-hot encoding. Use a learner that"
        + " learns embeddings of categories (tab_resnet, ft_transformer), drop the column (--drop colour), or raise max_levels.",
        assertThrows(TorchworkException.class, () -> Preprocessing.fit(read(MIXED), Preprocessing.ONE_HOT, "median", false, 1))
            .getMessage());
    Preprocessing.fit(read(MIXED), Preprocessing.INDICES, "median", false, 1);
  }

  @Test
  void aNumericTaskWithNothingMissingIsUsedAsItIs() {
    Task t = Task.classif("t", "y", List.of("a", "b"), List.of("u", "v"), new float[] {1, 2, 3, 4}, new int[] {0, 1});
    Preprocessing p = Preprocessing.fit(t, Preprocessing.ONE_HOT, "median", true, 1000);
    assertSame(t, p.encode(t, "Task", null));
    assertEquals(2.0, p.inputs().get(0).fill());
  }

  @Test
  void aFeatureWhoseTypeChangedIsRefusedNamingIt() {
    Preprocessing p = Preprocessing.fit(read("n,y\n1,a\n2,b\n"), Preprocessing.ONE_HOT, "median", false, 1000);
    assertEquals("Task 't': feature 'n' is categorical, but the model was trained on it as integer (numbers). Give the feature as"
        + " numbers, as in training.", assertThrows(TorchworkException.class, () -> p.encode(read("n,y\nlow,a\nhigh,b\n"), "Task",
        null)).getMessage());
  }

  /** The leak test: what fills a missing value is learned from the training rows alone, never the validation rows. */
  @Test
  void imputationAndStandardizationComeFromTheTrainingRowsOnly() {
    StringBuilder csv = new StringBuilder("x,c,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i % 5 == 0 ? "" : Double.toString(i + 0.5)).append(',').append(i % 2 == 0 ? "even" : "odd").append(',')
          .append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Task task = read(csv.toString());
    ParamValues p = ParamSet.of(
        Param.number("validate").build(), Param.string("impute").defaultValue("median").build(),
        Param.bool("impute_indicators").defaultValue(false).build(), Param.integer("max_levels").defaultValue(1000).build(),
        Param.bool("standardize").defaultValue(true).build()).resolve(Map.of("validate", 0.25), "");
    TrainingData data = TrainingData.prepare(task, null, p, 7, Preprocessing.ONE_HOT, null, null);
    int[][] split = Splits.holdout(task.nrow(), 0.25, 7);
    float[] trainValues = new float[split[0].length];
    int k = 0;
    double sum = 0;
    for (int i : split[0]) {
      if (!Float.isNaN(task.feature(i, 0))) {
        trainValues[k++] = task.feature(i, 0);
      }
    }
    double median = Preprocessing.median(trainValues, k);
    assertEquals(median, data.preprocessing().inputs().get(0).fill());
    float[] all = new float[task.nrow()];
    int m = 0;
    for (int i = 0; i < task.nrow(); i++) {
      if (!Float.isNaN(task.feature(i, 0))) {
        all[m++] = task.feature(i, 0);
      }
    }
    assertTrue(Preprocessing.median(all, m) != median, "the split is chosen so that all rows would give another median");
    for (int i = 0; i < data.train().nrow(); i++) {
      sum += data.train().feature(i, 0);
    }
    assertEquals(0, sum / data.train().nrow(), 1e-6, "standardized with the training rows' own mean");
    assertEquals(split[1].length, data.valid().nrow());
    assertEquals(1.0, data.standardization().scale()[1], "one-hot columns are not scaled");
  }
}
