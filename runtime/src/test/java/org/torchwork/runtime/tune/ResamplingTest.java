package org.torchwork.runtime.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.torchwork.api.Task;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;

class ResamplingTest {
  private static final Task IRIS = Platform.builder().build().task("iris");

  @Test
  void crossValidationTestsEveryRowOnceAndStratifiesByClass() {
    List<Resampling.Split> splits = Resampling.cv(5).seed(3).splits(IRIS);
    assertEquals(5, splits.size());
    Set<Integer> tested = new HashSet<>();
    for (Resampling.Split s : splits) {
      assertEquals(30, s.test().length);
      assertEquals(120, s.train().length);
      Arrays.stream(s.test()).forEach(r -> assertTrue(tested.add(r), "row " + r + " tested twice"));
      // iris has 50 rows per class: every test fold holds 10 of each.
      for (int c = 0; c < 3; c++) {
        int cls = c;
        assertEquals(10, Arrays.stream(s.test()).filter(r -> (int) IRIS.target(r) == cls).count(), "class " + c);
      }
      Set<Integer> train = new HashSet<>();
      Arrays.stream(s.train()).forEach(train::add);
      Arrays.stream(s.test()).forEach(r -> assertTrue(!train.contains(r), "row " + r + " in both"));
    }
    assertEquals(150, tested.size());
  }

  @Test
  void theSameSeedGivesTheSameSplitsAndRepeatsDiffer() {
    List<Resampling.Split> a = Resampling.cv(3).repeats(2).seed(7).splits(IRIS);
    List<Resampling.Split> b = Resampling.cv(3).repeats(2).seed(7).splits(IRIS);
    assertEquals(6, a.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).test(), b.get(i).test());
    }
    assertTrue(!Arrays.equals(a.get(0).test(), a.get(3).test()), "the second repeat splits anew");
    assertTrue(!Arrays.equals(a.get(0).test(), Resampling.cv(3).seed(8).splits(IRIS).get(0).test()));
    assertEquals(List.of(1, 2, 3, 4, 5, 6), a.stream().map(s -> s.iteration(3)).toList());
  }

  @Test
  void aHoldoutTestsItsShareOfEachClass() {
    Resampling.Split s = Resampling.holdout(0.2).splits(IRIS).get(0);
    assertEquals(30, s.test().length);
    assertEquals(120, s.train().length);
    assertEquals(10, Arrays.stream(s.test()).filter(r -> (int) IRIS.target(r) == 2).count());
  }

  @Test
  void badResamplingsSayWhatToGive() {
    assertTrue(assertThrows(TorchworkException.class, () -> Resampling.cv(1)).getMessage().contains("at least 2 folds"));
    assertTrue(assertThrows(TorchworkException.class, () -> Resampling.holdout(1.5)).getMessage().contains("--holdout 0.3"));
    Task tiny = IRIS.subset("tiny", IntStream.range(0, 3).toArray());
    assertTrue(assertThrows(TorchworkException.class, () -> Resampling.cv(5).splits(tiny)).getMessage()
        .contains("has 3 row(s), too few for 5-fold cross-validation"));
  }
}
