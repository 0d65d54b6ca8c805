package org.torchwork.runtime.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;

/**
 * How a task's rows are split into training and test sets: k-fold cross-validation, optionally
 * repeated, or a holdout. Classification tasks are split stratified (each class spread over the
 * test sets in proportion); the splits depend only on the task's rows and the seed.
 *
 * <pre>{@code
 * Resampling fiveFold = Resampling.cv(5).repeats(2).seed(1);
 * Resampling holdout = Resampling.holdout(0.3);
 * }</pre>
 */
public final class Resampling {
  private final int folds;
  private final double holdout;
  private final int repeats;
  private final long seed;

  private Resampling(int folds, double holdout, int repeats, long seed) {
    this.folds = folds;
    this.holdout = holdout;
    this.repeats = repeats;
    this.seed = seed;
  }

  /** One training/test split: the rows of each, in the task's order. */
  public record Split(int repeat, int fold, int[] train, int[] test) {
    /**
     * The split's number, counting from 1 over all repeats.
     *
     * @param folds the folds per repeat
     * @return the number
     */
    public int iteration(int folds) {
      return repeat * folds + fold + 1;
    }
  }

  /**
   * K-fold cross-validation: every row is tested once per repeat.
   *
   * @param folds the number of folds, at least 2
   * @return the resampling
   */
  public static Resampling cv(int folds) {
    if (folds < 2) {
      throw new TorchworkException("Cross-validation needs at least 2 folds, not " + folds + ". Give --folds 2 or more,"
          + " or --holdout RATIO for one split.");
    }
    return new Resampling(folds, 0, 1, 1);
  }

  /**
   * A holdout: one split, testing on a share of the rows.
   *
   * @param ratio the share of rows tested on, between 0 and 1
   * @return the resampling
   */
  public static Resampling holdout(double ratio) {
    if (!(ratio > 0 && ratio < 1)) {
      throw new TorchworkException("The holdout ratio is the share of rows held out for testing, between 0 and 1"
          + " (exclusive), not " + ratio + ". Give e.g. --holdout 0.3.");
    }
    return new Resampling(0, ratio, 1, 1);
  }

  /**
   * Repeats the resampling with new random splits.
   *
   * @param n how many times, at least 1
   * @return a new resampling
   */
  public Resampling repeats(int n) {
    if (n < 1) {
      throw new TorchworkException("--repeats must be at least 1, not " + n + ".");
    }
    return new Resampling(folds, holdout, n, seed);
  }

  /**
   * Sets the seed the splits are drawn with (1 by default).
   *
   * @param newSeed the seed
   * @return a new resampling
   */
  public Resampling seed(long newSeed) {
    return new Resampling(folds, holdout, repeats, newSeed);
  }

  /**
   * The seed the splits are drawn with.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * The splits per repeat: the folds, or 1 for a holdout.
   *
   * @return the splits per repeat
   */
  public int folds() {
    return folds == 0 ? 1 : folds;
  }

  /**
   * How many trainings the resampling asks for.
   *
   * @return folds times repeats
   */
  public int iterations() {
    return folds() * repeats;
  }

  /**
   * The resampling as people read it.
   *
   * @return e.g. {@code 5-fold cross-validation, repeated 2 times}
   */
  public String describe() {
    String what = folds == 0 ? String.format(Locale.ROOT, "holdout of %s%%", Math.round(holdout * 1000) / 10.0)
        : folds + "-fold cross-validation";
    return what + (repeats > 1 ? ", repeated " + repeats + " times" : "");
  }

  /**
   * Splits a task's rows.
   *
   * @param task the task (a classification task is split stratified by class)
   * @return the splits, repeat by repeat, fold by fold
   * @throws TorchworkException when the task has fewer rows than the splits need
   */
  public List<Split> splits(Task task) {
    int n = task.nrow();
    int needed = folds == 0 ? 2 : folds;
    if (n < needed) {
      throw new TorchworkException("Task '" + task.id() + "' has " + n + " row(s), too few for " + describe()
          + ". Use fewer folds or more data.");
    }
    List<Split> out = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      // Seeds next to each other give java.util.Random similar first draws: mix them first.
      Random random = new Random(new java.util.SplittableRandom(seed * 1_000_003L + r).nextLong());
      if (folds == 0) {
        int[] foldOf = new int[n];
        for (List<Integer> group : groups(task)) {
          Collections.shuffle(group, random);
          long test = Math.max(1, Math.round(group.size() * holdout));
          for (int i = 0; i < group.size(); i++) {
            foldOf[group.get(i)] = i < test && group.size() > 1 ? 1 : 0;
          }
        }
        out.add(split(r, 0, foldOf, 1));
      } else {
        // The rows of each class in a random order, class after class: dealing them out in turn
        // gives every test set its share of each class.
        List<Integer> order = new ArrayList<>();
        for (List<Integer> group : groups(task)) {
          Collections.shuffle(group, random);
          order.addAll(group);
        }
        int[] foldOf = new int[n];
        for (int i = 0; i < order.size(); i++) {
          foldOf[order.get(i)] = i % folds;
        }
        for (int f = 0; f < folds; f++) {
          out.add(split(r, f, foldOf, f));
        }
      }
    }
    return out;
  }

  private static Split split(int repeat, int fold, int[] foldOf, int testFold) {
    int[] test = java.util.stream.IntStream.range(0, foldOf.length).filter(i -> foldOf[i] == testFold).toArray();
    int[] train = java.util.stream.IntStream.range(0, foldOf.length).filter(i -> foldOf[i] != testFold).toArray();
    if (test.length == 0 || train.length == 0) {
      throw new TorchworkException("A holdout split left no rows to " + (test.length == 0 ? "test" : "train") + " on. Give a"
          + " holdout ratio nearer 0.5.");
    }
    return new Split(repeat, fold, train, test);
  }

  /** The rows of each class (one group holding every row for regression), in the task's order. */
  private static List<List<Integer>> groups(Task task) {
    TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < task.nrow(); i++) {
      int key = task.type() == TaskType.CLASSIF ? (int) task.target(i) : 0;
      byClass.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    return new ArrayList<>(byClass.values());
  }

  /** The resampling as plain data, for {@link Wire}. */
  java.util.Map<String, Object> toMap() {
    return java.util.Map.of("folds", folds, "holdout", holdout, "repeats", repeats, "seed", Long.toString(seed));
  }

  /** Reads back {@link #toMap()}. */
  static Resampling fromMap(java.util.Map<?, ?> m) {
    int f = ((Number) m.get("folds")).intValue();
    Resampling r = f == 0 ? holdout(((Number) m.get("holdout")).doubleValue()) : cv(f);
    return r.repeats(((Number) m.get("repeats")).intValue()).seed(Long.parseLong((String) m.get("seed")));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resampling r && r.folds == folds && r.holdout == holdout && r.repeats == repeats && r.seed == seed;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(folds, holdout, repeats, seed);
  }

  @Override
  public String toString() {
    return describe() + " (seed " + seed + ")";
  }
}
