package org.torchwork.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;

public class CsvTasksTest {
  @TempDir Path dir;

  /**
   * A small regression task.
   *
   * @return the task
   */
  public static Task regressionTask() {
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 40; i++) {
      double a = i / 10.0;
      double b = (i % 7) / 3.0;
      csv.append(a).append(',').append(b).append(',').append(2 * a - b + 0.5).append('\n');
    }
    return read(csv.toString(), "y", TaskType.REGR);
  }

  private static Task read(String csv, String target, TaskType type) {
    try {
      return CsvTasks.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "t.csv", "t", target, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void readsIrisAsPlatformTask() {
    Task iris = Platform.builder().build().task("iris");
    assertEquals(150, iris.nrow());
    assertEquals(List.of("Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"), iris.featureNames());
    assertEquals(List.of("setosa", "versicolor", "virginica"), iris.classes());
    assertEquals(5.1f, iris.feature(0, 0));
    assertEquals(0f, iris.target(0));
    assertEquals(2f, iris.target(149));
  }

  @Test
  void classesAreSortedAndQuotedValuesRead() {
    Task t = read("a,\"label, quoted\"\n1,\"b\"\n2,a\n3,\"b\"\n", "label, quoted", TaskType.CLASSIF);
    assertEquals(List.of("a", "b"), t.classes());
    assertEquals(1f, t.target(0));
    assertEquals(0f, t.target(1));
  }

  @Test
  void aNonNumericFeatureNamesTheLineAndColumn() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> read("a,b,y\n1,2,x\n3,oops,y\n", "y", TaskType.CLASSIF));
    assertEquals(
        "Task file t.csv line 3, column 'b': 'oops' is not a number. Every feature column must be numeric;"
            + " encode or drop column 'b', or name it as the target with --target.",
        e.getMessage());
  }

  @Test
  void aMissingTargetColumnListsTheColumns() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> read("a,b,Species\n1,2,x\n", "species", TaskType.CLASSIF));
    assertEquals(
        "Task file t.csv has no column 'species'. Did you mean 'Species'? Its columns: a, b, Species. Name the target with --target.",
        e.getMessage());
  }

  @Test
  void raggedRowsAndMissingValuesAreReported() {
    assertEquals(
        "Task file t.csv line 2 has 2 values but the header has 3 columns. Fix the line so every row has one value per column.",
        assertThrows(TorchworkException.class, () -> read("a,b,y\n1,2\n", "y", TaskType.CLASSIF)).getMessage());
    assertEquals(
        "Task file t.csv line 2, column 'a': the feature value is missing. Remove or impute rows with missing values.",
        assertThrows(TorchworkException.class, () -> read("a,b,y\nNA,2,x\n", "y", TaskType.CLASSIF)).getMessage());
  }

  @Test
  void aFileThatDoesNotExistSaysSo() {
    Path missing = dir.resolve("nope.csv");
    TorchworkException e = assertThrows(TorchworkException.class, () -> CsvTasks.read(missing, "y", TaskType.REGR));
    assertEquals("Task file " + missing + " does not exist. Give the path of a CSV file with a header row.", e.getMessage());
  }

  @Test
  void readsAFile() throws IOException {
    Path file = dir.resolve("small.csv");
    Files.writeString(file, "x,y\n1,2.5\n2,3.5\n");
    Task t = CsvTasks.read(file, "y", TaskType.REGR);
    assertEquals("small", t.id());
    assertEquals(3.5f, t.target(1));
  }

  @Test
  void valuesThatAreNotFiniteAreRefusedWithLineColumnAndFix() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> read("a,b,y\n1,2,x\n3,Infinity,y\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv line 3, column 'b': 'Infinity' is not a finite number. A feature must be finite: remove or"
        + " impute the value.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> read("a,b,y\n1,-inf,x\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv line 2, column 'b': '-inf' is not a finite number. A feature must be finite: remove or impute"
        + " the value.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> read("a,b,y\n1,2,x\n1e39,2,y\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv line 3, column 'a': '1e39' is beyond the range of 32-bit floats (about ±3.4e38), which networks"
        + " train in. A feature must be finite: rescale the column, or remove or impute the value.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> read("a,y\n1,NaN\n", "y", TaskType.REGR));
    assertEquals("Task file t.csv line 2, column 'y': the regression target value is missing. Remove or impute rows with missing"
        + " values.", e.getMessage());
  }

  @Test
  void aClassificationTargetOfManyNumbersIsTakenForARegressionTarget() {
    StringBuilder prices = new StringBuilder("a,price\n");
    for (int i = 0; i < 40; i++) {
      prices.append(i).append(',').append(100 + i * 3).append('\n');
    }
    TorchworkException e = assertThrows(TorchworkException.class, () -> read(prices.toString(), "price", TaskType.CLASSIF));
    assertEquals("Task file t.csv: target 'price' holds 40 distinct numbers which a classification learner would treat as 40"
        + " unrelated classes. To predict the number, use a regression learner (e.g. --learner regr.mlp); if they really are"
        + " class codes, write them as labels (e.g. c1, c2).", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> read("a,y\n1,0.5\n2,1\n3,0.5\n", "y", TaskType.CLASSIF));
    assertTrue(e.getMessage().startsWith("Task file t.csv: target 'y' holds 2 distinct numbers, such as 0.5, which"), e.getMessage());
    // A few whole-number class codes are classes, as are labels.
    assertEquals(List.of("0", "1", "2"), read("a,y\n1,0\n2,1\n3,2\n", "y", TaskType.CLASSIF).classes());
    assertEquals(40, read(prices.toString(), "price", TaskType.REGR).nrow());
  }

  @Test
  void aFileIsReadLikeAnotherTaskByColumnName() throws IOException {
    Task train = read("a,b,y\n1,2,x\n3,4,y\n5,6,z\n", "y", TaskType.CLASSIF);
    Path valid = Files.writeString(dir.resolve("valid.csv"), "extra,y,b,a\n9,z,20,10\n9,x,40,30\n");
    Task v = CsvTasks.readLike(valid, train, "Validation file");
    assertEquals(List.of("a", "b"), v.featureNames());
    assertEquals(train.classes(), v.classes());
    assertEquals(10f, v.feature(0, 0));
    assertEquals(20f, v.feature(0, 1));
    assertEquals(2f, v.target(0));
    assertEquals(0f, v.target(1));

    Path unseen = Files.writeString(dir.resolve("unseen.csv"), "a,b,y\n1,2,w\n");
    TorchworkException e = assertThrows(TorchworkException.class, () -> CsvTasks.readLike(unseen, train, "Validation file"));
    assertEquals("Validation file " + unseen + " line 2, column 'y': class 'w' is not a class of task 't' (x, y, z). Remove the rows"
        + " of classes the training data does not have.", e.getMessage());
    Path missing = Files.writeString(dir.resolve("missing.csv"), "a,y\n1,x\n");
    e = assertThrows(TorchworkException.class, () -> CsvTasks.readLike(missing, train, "Validation file"));
    assertEquals("Validation file " + missing + " has no column 'b', a feature of task 't'. Its columns: a, y."
        + " It needs the columns of task 't': a, b.", e.getMessage());
  }

  @Test
  void twoColumnsOfOneNameAreRefused() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> read("a,b,a,y\n1,2,3,x\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv has two columns named 'a' (columns 1 and 3), so columns cannot be told apart by name. Rename one"
        + " of them.", e.getMessage());
    e = assertThrows(TorchworkException.class,
        () -> Task.regr("t", "y", List.of("a", "b", "a"), new float[3], new float[1]));
    assertEquals("Task 't' names a feature twice in [a, b, a]. Features are matched by name; give each a name of its own.",
        e.getMessage());
  }

  @Test
  void aLineLongerThanAnyRowOfNumbersIsRefusedNotRead() {
    String endless = "a,y\n" + "1".repeat(CsvReader.MAX_LINE + 10) + ",x\n";
    TorchworkException e = assertThrows(TorchworkException.class, () -> read(endless, "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv line 2 is longer than 1048576 characters, which no row of numbers is. Check that it is a CSV"
        + " file with one row per line.", e.getMessage());
    assertEquals(2, read("a,y\r\n1,x\r\n2,y\r\n", "y", TaskType.CLASSIF).nrow(), "Windows line breaks");
  }

  @Test
  void aFileWithoutHeaderOrWithAnotherSeparatorSaysSo() {
    TorchworkException e = assertThrows(TorchworkException.class, () -> read("5.1,3.5,x\n4.9,3.0,y\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv has no column 'y'. Its columns: 5.1, 3.5, x. The first line holds numbers: the file seems to have"
        + " no header row; add one naming the columns. Name the target with --target.", e.getMessage());
    e = assertThrows(TorchworkException.class, () -> read("a;b;y\n1;2;x\n", "y", TaskType.CLASSIF));
    assertEquals("Task file t.csv has no column 'y'. Its columns: a;b;y. The columns seem to be separated by semicolons;"
        + " Torchwork reads comma-separated files. Name the target with --target.", e.getMessage());
  }
}
