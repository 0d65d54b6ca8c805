package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.ColumnType;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

class CsvTableTest {
  @TempDir Path dir;

  static CsvTable table(String csv) {
    return CsvTable.of("t.csv", csv.getBytes(StandardCharsets.UTF_8));
  }

  static Task read(String csv, String target, TaskType type) {
    return table(csv).target(target).task(type);
  }

  private static String message(Runnable r) {
    return assertThrows(TorchworkException.class, r::run).getMessage();
  }

  @Test
  void classesAreSortedAndQuotedValuesRead() {
    Task t = read("a,\"label, quoted\"\n1,\"b\"\n2,a\n3,\"b\"\n", "label, quoted", TaskType.CLASSIF);
    assertEquals(List.of("a", "b"), t.classes());
    assertEquals(1f, t.target(0));
    assertEquals(0f, t.target(1));
    assertEquals("t", t.id());
  }

  @Test
  void aMixedSemicolonFileWithCategoriesMissingCellsAndAnIdColumnReads() {
    String csv = "id;age;colour;smoker;income;notes\n"
        + "a1;34;red;TRUE;high;\n"
        + "a2;NA;blue;FALSE;low;\"said \"\"hi\"\"\"\n"
        + "a3;51;;TRUE;high;x\n"
        + "a4;28;red;;low;\n"
        + "a5;45.5;green;FALSE;NA;y\n";
    CsvTable.Loaded loaded = table(csv).target("income").id("id").drop(List.of("notes")).read(TaskType.CLASSIF);
    Task t = loaded.task();
    assertEquals(List.of("age", "colour", "smoker"), t.featureNames());
    assertEquals(List.of(ColumnType.NUMERIC, ColumnType.CATEGORICAL, ColumnType.LOGICAL), t.featureTypes());
    assertEquals(List.of("blue", "green", "red"), t.levels(1));
    assertEquals(4, t.nrow(), "the row without a target is dropped");
    assertEquals(List.of("high", "low"), t.classes());
    assertEquals(34f, t.feature(0, 0));
    assertTrue(Float.isNaN(t.feature(1, 0)), "NA is missing");
    assertTrue(Float.isNaN(t.feature(2, 1)), "an empty cell is missing");
    assertEquals(2f, t.feature(0, 1), "red is the third level");
    assertEquals(1f, t.feature(0, 2), "TRUE is 1");
    assertEquals(0f, t.feature(1, 2));
    assertTrue(Float.isNaN(t.feature(3, 2)));
    assertEquals("id", t.idColumn().orElseThrow());
    TableReport r = loaded.report();
    assertEquals(';', r.separator());
    assertEquals(1, r.dropped());
    assertEquals(TableReport.Role.ID, r.column("id").role());
    assertEquals(TableReport.Role.LEFT_OUT, r.column("notes").role());
    assertEquals(1, r.column("age").missing());
    assertEquals(List.of("1 row(s) with a missing target ('income') are dropped; 4 row(s) remain.",
        "column 'notes' is left out: dropped (--drop)").stream().sorted().toList(), r.notes().stream().sorted().toList());
  }

  @Test
  void quotedValuesHoldSeparatorsQuotesAndLineBreaks() {
    Task t = read("text,x,y\n\"one, two\",1,a\n\"line\nbreak \"\"quoted\"\"\",2,b\n\"\",3,a\n", "y", TaskType.CLASSIF);
    assertEquals(3, t.nrow());
    assertEquals(List.of("line\nbreak \"quoted\"", "one, two"), t.levels(0));
    assertEquals(1f, t.feature(0, 0));
    assertEquals(0f, t.feature(1, 0));
    assertTrue(Float.isNaN(t.feature(2, 0)), "an empty quoted cell is missing");
    assertEquals(3f, t.feature(2, 1));
  }

  @Test
  void aByteOrderMarkWindowsLineEndsBlankLinesAndSpacedHeadersAreRead() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = " first , second ,y\r\n1, 2 ,a\r\n\r\n3,4,b\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, all, 0, bom.length);
    System.arraycopy(body, 0, all, bom.length, body.length);
    Task t = CsvTable.of("t.csv", all).target("y").task(TaskType.CLASSIF);
    assertEquals(List.of("first", "second"), t.featureNames());
    assertEquals(2, t.nrow());
    assertEquals(2f, t.feature(0, 1));
    assertEquals(List.of(ColumnType.INTEGER, ColumnType.INTEGER), t.featureTypes());
  }

  @Test
  void theSeparatorIsDetectedAmongCommaSemicolonTabAndPipe() {
    for (String sep : List.of(",", ";", "\t", "|")) {
      String csv = "a" + sep + "b" + sep + "y\n1.5" + sep + "2" + sep + "u\n3" + sep + "4" + sep + "v\n";
      Task t = read(csv, "y", TaskType.CLASSIF);
      assertEquals(List.of("a", "b"), t.featureNames(), "separator " + sep);
      assertEquals(1.5f, t.feature(0, 0));
    }
    // A comma inside quoted values does not fool the detection of semicolons.
    assertEquals(List.of("a", "b"), read("a;b;y\n\"p, q\";2;u\n\"r, s\";4;v\n", "y", TaskType.CLASSIF).featureNames());
  }

  @Test
  void decimalCommasAreRefusedWithTheFixAndReadWhenSet() {
    String csv = "price;size;y\n3,5;1;a\n4,25;2;b\n";
    assertEquals("Task file t.csv: column 'price' holds numbers written with a decimal comma, such as '3,5'. Read the file with"
        + " --decimal ',' (and --sep ';' if its values are separated by semicolons); or, if they are labels, give --types"
        + " price=categorical.", message(() -> read(csv, "y", TaskType.CLASSIF)));
    Task t = table(csv).set("decimal", ",").target("y").task(TaskType.CLASSIF);
    assertEquals(3.5f, t.feature(0, 0));
    assertEquals(4.25f, t.feature(1, 0));
    assertEquals(ColumnType.NUMERIC, t.featureType(0));
    Task grouped = table("price;y\n\"1.234,5\";a\n2;b\n").set("decimal", ",").target("y").task(TaskType.CLASSIF);
    assertEquals(1234.5f, grouped.feature(0, 0), "a point is a thousands separator with decimal commas");
  }

  @Test
  void freeTextAndDatesAreLeftOutWithTheReasonAndKeptWhenDeclared() {
    StringBuilder csv = new StringBuilder("name,born,x,y\n");
    for (int i = 0; i < 30; i++) {
      csv.append("person ").append(i).append(",2001-02-").append(String.format("%02d", i % 28 + 1)).append(',').append(i).append(',')
          .append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    CsvTable.Loaded loaded = table(csv.toString()).target("y").read(TaskType.CLASSIF);
    assertEquals(List.of("x"), loaded.task().featureNames());
    TableReport r = loaded.report();
    assertEquals("text", r.column("name").type());
    assertEquals("it looks like free text or ids (30 distinct values in 30 rows); to use it as a category anyway, give --types"
        + " name=categorical", r.column("name").note());
    assertEquals("date", r.column("born").type());
    assertTrue(r.column("born").note().startsWith("it holds dates or times (e.g. '2001-02-01')"), r.column("born").note());
    Task kept = table(csv.toString()).target("y").type("name", "categorical").task(TaskType.CLASSIF);
    assertEquals(List.of("name", "x"), kept.featureNames());
    assertEquals(30, kept.levels(0).size());
  }

  @Test
  void aColumnWhoseTextComesAfterTheGuessingRowsIsReadAgainAsCategorical() {
    StringBuilder csv = new StringBuilder("code,x,y\n");
    for (int i = 0; i < CsvTable.GUESS_ROWS + 500; i++) {
      csv.append(i == CsvTable.GUESS_ROWS + 300 ? "X9" : Integer.toString(i % 3)).append(',').append(i).append(',')
          .append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Task t = read(csv.toString(), "y", TaskType.CLASSIF);
    assertEquals(ColumnType.CATEGORICAL, t.featureType(0));
    assertEquals(List.of("0", "1", "2", "X9"), t.levels(0));
    assertEquals(3f, t.feature(CsvTable.GUESS_ROWS + 300, 0));
    assertEquals(1f, t.feature(1, 0));
    // Declared numeric, the same text is an error naming the line.
    assertTrue(message(() -> table(csv.toString()).target("y").type("code", "numeric").task(TaskType.CLASSIF))
        .startsWith("Task file t.csv line " + (CsvTable.GUESS_ROWS + 302) + ", column 'code': 'X9' is not a number."));
  }

  @Test
  void valuesThatAreNotFiniteAreRefusedWithLineColumnAndFix() {
    assertEquals("Task file t.csv line 3, column 'b': 'Infinity' is not a finite number. A feature must be finite: remove the"
        + " value or leave the cell empty (missing values are imputed).",
        message(() -> read("a,b,y\n1,2,x\n3,Infinity,y\n", "y", TaskType.CLASSIF)));
    assertEquals("Task file t.csv line 3, column 'a': '1e39' is beyond the range of 32-bit floats (about ±3.4e38), which networks"
        + " train in. A feature must be finite: rescale the column, or remove the value or leave the cell empty (missing values"
        + " are imputed).", message(() -> read("a,b,y\n1,2,x\n1e39,2,y\n", "y", TaskType.CLASSIF)));
    assertEquals("Task file t.csv line 3, column 'y': 'abc' is not a number. regression target 'y' holds numbers; for classes, use"
        + " a classif.* learner.", message(() -> read("a,y\n1,2\n2,abc\n", "y", TaskType.REGR)));
  }

  @Test
  void raggedRowsNameTheLineAndTheSeparator() {
    assertEquals("Task file t.csv line 3 has 2 values but the header has 3 columns (separator ','). Fix the line so every row has"
        + " one value per column.", message(() -> read("a,b,y\n1,2,x\n1,2\n", "y", TaskType.CLASSIF)));
    assertEquals("Task file t.csv line 2 has 4 values but the header has 3 columns (separator ','). Fix the line so every row has"
        + " one value per column, and quote values that contain the separator.",
        message(() -> read("a,b,y\n1,2,3,x\n", "y", TaskType.CLASSIF)));
  }

  @Test
  void rowsWithAMissingTargetAreDroppedAndCounted() {
    CsvTable.Loaded r = table("a,y\n1,2\n2,NA\n3,\n4,5\n").target("y").read(TaskType.REGR);
    assertEquals(2, r.task().nrow());
    assertEquals(5f, r.task().target(1));
    assertEquals(2, r.report().dropped());
    assertEquals("Task file t.csv has no row with a target value: all 2 rows miss the target 'y'. Give rows with a target.",
        message(() -> read("a,y\n1,NA\n2,\n", "y", TaskType.REGR)));
  }

  @Test
  void aClassificationTargetOfManyNumbersIsTakenForARegressionTarget() {
    StringBuilder prices = new StringBuilder("a,price\n");
    for (int i = 0; i < 40; i++) {
      prices.append(i).append(',').append(100 + i * 3).append('\n');
    }
    assertEquals("Task file t.csv: target 'price' holds 40 distinct numbers which a classification learner would treat as 40"
        + " unrelated classes. To predict the number, use a regression learner (e.g. --learner regr.mlp); if they really are"
        + " class codes, write them as labels (e.g. c1, c2).", message(() -> read(prices.toString(), "price", TaskType.CLASSIF)));
    assertEquals(List.of("0", "1", "2"), read("a,y\n1,0\n2,1\n3,2\n", "y", TaskType.CLASSIF).classes());
    assertEquals(40, read(prices.toString(), "price", TaskType.REGR).nrow());
  }

  @Test
  void aFileIsReadLikeAnotherTaskByColumnNameAndType() throws IOException {
    Task train = read("a,c,y\n1,red,x\n3,blue,y\n5,red,z\n", "y", TaskType.CLASSIF);
    Path valid = Files.writeString(dir.resolve("valid.csv"), "extra,y,c,a\n9,z,green,10\n9,x,,30\n");
    Task v = CsvTable.of(valid).readLike(train);
    assertEquals(List.of("a", "c"), v.featureNames());
    assertEquals(train.classes(), v.classes());
    assertEquals(List.of(ColumnType.INTEGER, ColumnType.CATEGORICAL), v.featureTypes());
    assertEquals(List.of("green"), v.levels(1), "its own labels; the model's levels are matched by name later");
    assertEquals(10f, v.feature(0, 0));
    assertEquals(2f, v.target(0));
    assertEquals(0f, v.target(1));

    Path unseen = Files.writeString(dir.resolve("unseen.csv"), "a,c,y\n1,red,w\n");
    assertEquals("Data file " + unseen + " line 2, column 'y': class 'w' is not a class of task 't' (x, y, z). Remove the rows of"
        + " classes the training data does not have.", message(() -> CsvTable.of(unseen).readLike(train)));
    Path missing = Files.writeString(dir.resolve("missing.csv"), "a,y\n1,x\n");
    assertEquals("Data file " + missing + " has no column 'c', a feature of task 't'. Its columns: a, y. It needs the columns of"
        + " task 't': a, c.", message(() -> CsvTable.of(missing).readLike(train)));
    Path text = Files.writeString(dir.resolve("text.csv"), "a,c,y\nten,red,x\n");
    assertTrue(message(() -> CsvTable.of(text).readLike(train)).startsWith("Data file " + text + " line 2, column 'a': 'ten' is not"
        + " a number."));
  }

  @Test
  void headersAreCheckedAndUnnamedRowIndexesLeftOut() {
    assertEquals("Task file t.csv has two columns named 'a' (columns 1 and 3), so columns cannot be told apart by name. Rename one"
        + " of them.", message(() -> read("a,b,a,y\n1,2,3,x\n", "y", TaskType.CLASSIF)));
    assertEquals("Task file t.csv has no column 'y'. Its columns: 5.1, 3.5, x. The first line holds numbers: the file seems to have"
        + " no header row; add one naming the columns. Name the target with --target.",
        message(() -> read("5.1,3.5,x\n4.9,3.0,y\n", "y", TaskType.CLASSIF)));
    assertEquals("Task file t.csv has no column 'species'. Did you mean 'Species'? Its columns: a, b, Species. Name the target with"
        + " --target.", message(() -> read("a,b,Species\n1,2,x\n", "species", TaskType.CLASSIF)));
    // pandas writes its row index as a first column without a name.
    CsvTable.Loaded pandas = table(",a,y\n0,1.5,x\n1,2.5,y\n2,3.5,x\n").target("y").read(TaskType.CLASSIF);
    assertEquals(List.of("a"), pandas.task().featureNames());
    assertEquals("column 'column1' is left out: it has no name and numbers the rows (a saved row index)",
        pandas.report().notes().get(0));
  }

  @Test
  void aFieldTooLongForAnyTableIsRefusedNotRead() {
    String endless = "a,y\n" + "1".repeat(CsvScan.MAX_FIELD + 10) + ",x\n";
    assertTrue(message(() -> read(endless, "y", TaskType.CLASSIF)).startsWith("Task file t.csv line 2"));
  }

  @Test
  void givenTypesNaTokensAndRolesApply() {
    String csv = "w,zip,flag,x,y\n1,10115,yes,?,a\n2,80331,no,2,b\n0.5,10115,yes,3,a\n";
    Task t = table(csv).set("na", "?").set("types", "zip=categorical").weights("w").target("y").task(TaskType.CLASSIF);
    assertEquals(List.of("zip", "flag", "x"), t.featureNames());
    assertEquals(List.of("10115", "80331"), t.levels(0));
    assertEquals(ColumnType.LOGICAL, t.featureType(1));
    assertTrue(Float.isNaN(t.feature(0, 2)));
    assertTrue(t.hasWeights());
    assertEquals(0.5f, t.weight(2));
    assertEquals(List.of("x"), table(csv).set("na", "?").set("features", "x").target("y").task(TaskType.CLASSIF).featureNames());
    assertEquals(List.of("w", "flag", "x"), table(csv).set("na", "?").set("types", "zip=ignored").target("y").task(TaskType.CLASSIF)
        .featureNames());
    assertEquals("Task file t.csv line 2, column 'w': the weight -1.0 is negative. Weights must not be negative; 0 leaves a row out.",
        message(() -> table("w,x,y\n-1,1,a\n1,2,b\n").weights("w").target("y").task(TaskType.CLASSIF)));
    assertEquals("Task file t.csv: column 'y' is named both as the target and as the weights column. A column has one role; name"
        + " another column for one of them.", message(() -> table(csv).weights("y").target("y").task(TaskType.CLASSIF)));
    assertEquals("Task file t.csv has no column 'nope', named in --drop. Its columns: w, zip, flag, x, y. Name an existing column.",
        message(() -> table(csv).set("drop", "nope").target("y").task(TaskType.CLASSIF)));
    assertEquals("Column type 'date' (for 'zip') is not one Torchwork knows. The types are numeric, integer, logical, categorical"
        + " and ignored.", message(() -> table(csv).set("types", "zip=date")));
  }

  @Test
  void describingAFileReportsEveryColumnWithoutATarget() {
    TableReport r = table("id,age,colour,y\n1,30,red,a\n2,,blue,b\n3,40,red,\n").id("id").describe();
    assertEquals(3, r.rows());
    assertEquals(TableReport.Role.ID, r.column("id").role());
    assertEquals(3, r.column("id").distinct());
    assertEquals("integer", r.column("age").type());
    assertEquals(1, r.column("age").missing());
    assertEquals(30.0, r.column("age").min());
    assertEquals(40.0, r.column("age").max());
    assertEquals(List.of("blue", "red"), r.column("colour").levels());
    assertEquals(TableReport.Role.FEATURE, r.column("y").role());
    TableReport withTarget = table("id,age,colour,y\n1,30,red,a\n2,,blue,b\n3,40,red,\n").target("y").describe();
    assertEquals(TableReport.Role.TARGET, withTarget.column("y").role());
    assertEquals(1, withTarget.dropped());
  }

  @Test
  void settingsRoundTripForATaskReadElsewhere() throws IOException {
    Path file = Files.writeString(dir.resolve("d.csv"), "id;x;c;y\n1;1,5;u;a\n2;2;v;b\n");
    CsvTable t = CsvTable.of(file).set("sep", ";").set("decimal", ",").set("id", "id").set("types", "c=categorical");
    Map<String, String> settings = t.settings();
    assertEquals(Map.of("sep", ";", "decimal", ",", "id", "id", "types", "c=categorical"), settings);
    Task again = CsvTable.of(file, settings).target("y").task(TaskType.CLASSIF);
    assertEquals(1.5f, again.feature(0, 0));
    assertEquals("d", again.id());
    assertFalse(again.featureNames().contains("id"));
  }

  @Test
  void linesEndingInCarriageReturnsAloneOrMixedAreCountedAndRead() {
    Task t = read("a,b,y\r1,2,x\n3,4,z\r5,6,x\n7,8,z\r9,1,x\n", "y", TaskType.CLASSIF);
    assertEquals(5, t.nrow());
    assertEquals(9f, t.feature(4, 0));
  }

  @Test
  void aQuoteThatNeverClosesIsRefusedNamingItsLineInsteadOfSwallowingTheRows() {
    assertEquals("Task file t.csv line 4: a quote opens a value there and never closes, so the rest of the file would be read as"
        + " that one value. Close the quote (a quote inside a quoted value is written \"\"), or remove it.",
        message(() -> read("a,b,y\n1,2,x\n3,4,z\n5,6,\"z\n7,8,x\n", "y", TaskType.CLASSIF)));
    // A quote inside an unquoted value is a character like any other.
    assertEquals(List.of("5'11\""), read("h,x,y\n5'11\",1,a\n5'11\",2,b\n", "y", TaskType.CLASSIF).levels(0));
  }

  @Test
  void binaryDataIsRefusedAsNotText() {
    byte[] bytes = {'a', ',', 'y', '\n', 0, 1, 2, ',', 'x', '\n'};
    assertTrue(message(() -> CsvTable.of("t.csv", bytes).target("y").task(TaskType.CLASSIF))
        .startsWith("Task file t.csv is not a text file: it holds binary data"));
  }

  @Test
  void aTargetOfTruthValuesWrittenSeveralWaysHasTwoClasses() {
    Task t = read("a,y\n1,TRUE\n2,true\n3,F\n4,FALSE\n5,T\n", "y", TaskType.CLASSIF);
    assertEquals(List.of("false", "true"), t.classes());
    assertEquals(1f, t.target(0));
    assertEquals(1f, t.target(1));
    assertEquals(0f, t.target(3));
    assertEquals(List.of("no", "yes"), read("a,y\n1,yes\n2,no\n", "y", TaskType.CLASSIF).classes(), "two labels stay as written");
  }

  @Test
  void withDecimalCommasAPointOnlyGroupsThousandsSoDatesStayDates() {
    CsvTable.Loaded r = table("datum;wert;y\n01.01.2020;1.234,5;a\n02.01.2020;2,5;b\n03.01.2020;3;a\n").set("decimal", ",")
        .target("y").read(TaskType.CLASSIF);
    assertEquals(List.of("wert"), r.task().featureNames());
    assertEquals(1234.5f, r.task().feature(0, 0));
    assertEquals("date", r.report().column("datum").type());
  }

  @Test
  void javasOwnNumberFormsAndNumbersMixedWithDecimalCommasAreNotReadAsNumbers() {
    assertEquals(ColumnType.CATEGORICAL, read("d,x,y\n30d,1,a\n60d,2,b\n0x1p3,3,a\n", "y", TaskType.CLASSIF).featureType(0));
    assertTrue(message(() -> read("a;x;y\n3;1;a\n2,5;2;b\n4;3;a\n", "y", TaskType.CLASSIF))
        .startsWith("Task file t.csv: column 'a' holds numbers written with a decimal comma, such as '2,5'."));
  }

  @Test
  void numbersWithAPunctuationTokenAskForItAsAMissingValue() {
    assertEquals("Task file t.csv: column 'n' holds numbers and '?'. If it marks a missing value, give --na ',NA,NaN,N/A,null,?'; if"
        + " the column holds categories, give --types n=categorical.", message(() -> read("x,n,y\n1,?,a\n2,3,b\n3,4,a\n", "y",
        TaskType.CLASSIF)));
    Task t = table("x,n,y\n1,?,a\n2,3,b\n3,4,a\n").set("na", ",NA,?").target("y").task(TaskType.CLASSIF);
    assertTrue(Float.isNaN(t.feature(0, 1)));
  }

  @Test
  void aBlankLineAfterTheGuessingRowsIsSkippedWhenTheFirstColumnIsNotRead() {
    StringBuilder csv = new StringBuilder("id,x,y\n");
    for (int i = 0; i < CsvTable.GUESS_ROWS + 50; i++) {
      csv.append(i == CsvTable.GUESS_ROWS + 20 ? "   \n" : "r" + i + "," + i + "," + (i % 2 == 0 ? "a" : "b") + "\n");
    }
    Task t = table(csv.toString()).id("id").target("y").task(TaskType.CLASSIF);
    assertEquals(CsvTable.GUESS_ROWS + 49, t.nrow());
  }

  @Test
  void anUnnamedRowIndexIsLeftOutAlikeWhenDescribedAndWhenRead() {
    String csv = ",a,y\n0,1.5,x\n1,2.5,y\n2,3.5,x\n";
    assertEquals(TableReport.Role.LEFT_OUT, table(csv).target("y").describe().column("column1").role());
    assertEquals(List.of("a"), read(csv, "y", TaskType.CLASSIF).featureNames());
    // A named column of row numbers is a feature like any other.
    assertEquals(List.of("n", "a"), read("n,a,y\n0,1.5,x\n1,2.5,y\n", "y", TaskType.CLASSIF).featureNames());
  }

  @Test
  void textAfterTheGuessingRowsInSeveralColumnsIsNotedAndReadAsCategorical() {
    StringBuilder csv = new StringBuilder("p,q,y\n");
    for (int i = 0; i < CsvTable.GUESS_ROWS + 10; i++) {
      csv.append(i == CsvTable.GUESS_ROWS + 2 ? "P" : Integer.toString(i % 3)).append(',')
          .append(i == CsvTable.GUESS_ROWS + 5 ? "Q" : Integer.toString(i % 4)).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    CsvTable.Loaded r = table(csv.toString()).target("y").read(TaskType.CLASSIF);
    assertEquals(List.of(ColumnType.CATEGORICAL, ColumnType.CATEGORICAL), r.task().featureTypes());
    assertEquals("its first rows hold numbers, but line " + (CsvTable.GUESS_ROWS + 4) + " holds text: read as categorical",
        r.report().column("p").note());
  }

  @Test
  void dataReadLikeATaskTakesFractionsInAColumnTheTaskHadWholeNumbersIn() throws IOException {
    Task train = read("a,y\n1,x\n2,y\n", "y", TaskType.CLASSIF);
    assertEquals(ColumnType.INTEGER, train.featureType(0));
    Path valid = Files.writeString(dir.resolve("v.csv"), "a,y\n1.5,x\n");
    assertEquals(1.5f, CsvTable.of(valid).readLike(train).feature(0, 0));
  }

  @Test
  void moreRowsThanTheFirstLinesSuggestAreAllRead() {
    // The first lines are long (zeros before each number), the rest short: the rows estimated from the
    // first 64 KiB are far too few, and the arrays grow by what the rest of the file holds.
    StringBuilder csv = new StringBuilder("x,y\n");
    String zeros = "0".repeat(300);
    for (int i = 0; i < 30_000; i++) {
      csv.append(i < 300 ? zeros : "").append(i).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Task t = read(csv.toString(), "y", TaskType.CLASSIF);
    assertEquals(30_000, t.nrow());
    assertEquals(29_999f, t.feature(29_999, 0));
    assertEquals(7f, t.feature(7, 0));
  }
}
