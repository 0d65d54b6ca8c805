package org.torchwork.runtime.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

class TuningTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final LearnerConfig MLP = new LearnerConfig("classif.mlp", List.of(),
      Map.of("epochs", 3, "batch_size", 32, "neurons", 8, "engine", "pytorch"));

  @TempDir Path tmp;

  private static Map<String, Object> space() {
    Map<String, Object> space = new LinkedHashMap<>();
    space.put("opt.lr", "loguniform(1e-3, 1e-1)");
    space.put("neurons", List.of(4, 8));
    return space;
  }

  private Tuning tuning(Path folder, int trials) {
    return new Tuning(PLATFORM, MLP, TaskReference.builtIn("iris"), space(), Resampling.cv(2), List.of("classif.acc", "classif.ce"),
        folder).trials(trials).seed(5);
  }

  @Test
  void resamplingScoresEveryFoldOnRowsItDidNotTrainOn() {
    Resample.Result r = Resample.run(PLATFORM, MLP.with(Map.of("seed", 3)), PLATFORM.task("iris"), Resampling.cv(3),
        List.of("classif.acc"), Resample.Options.quiet());
    assertEquals(3, r.folds().size());
    r.folds().forEach(f -> {
      assertEquals(100, f.trainRows());
      assertEquals(50, f.testRows());
      assertEquals(3, f.epochs());
    });
    assertEquals(List.of(Resample.seedFor(3, 1), Resample.seedFor(3, 2), Resample.seedFor(3, 3)),
        r.folds().stream().map(Resample.Fold::seed).toList());
    double mean = r.folds().stream().mapToDouble(f -> f.scores().get("classif.acc")).average().orElseThrow();
    assertEquals(mean, r.mean("classif.acc"), 1e-12);
    assertTrue(r.aggregate("classif.acc").sd() >= 0);
    Resample.Result again = Resample.run(PLATFORM, MLP.with(Map.of("seed", 3)), PLATFORM.task("iris"), Resampling.cv(3),
        List.of("classif.acc"), Resample.Options.quiet());
    assertEquals(r.folds().stream().map(Resample.Fold::scores).toList(), again.folds().stream().map(Resample.Fold::scores).toList());
  }

  @Test
  void twoWorkersGiveEveryTrialTheScoresOneWorkerGives() {
    Tuning.Outcome one;
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      one = tuning(tmp.resolve("one"), 4).run(w, r -> {});
    }
    Tuning.Outcome two;
    try (LocalTrials w = new LocalTrials(PLATFORM, 2, List.of())) {
      two = tuning(tmp.resolve("two"), 4).run(w, r -> {});
    }
    assertEquals(4, one.results().size());
    assertTrue(one.results().stream().allMatch(TrialResult::ok), one.results().toString());
    assertTrue(two.results().stream().allMatch(TrialResult::ok), two.results().toString());
    assertEquals(scores(one), scores(two));
    assertEquals(one.best().orElseThrow().number(), two.best().orElseThrow().number());
    double best = one.results().stream().mapToDouble(r -> r.mean("classif.acc")).max().orElseThrow();
    assertEquals(best, one.best().orElseThrow().mean("classif.acc"));
  }

  private static List<Object> scores(Tuning.Outcome o) {
    List<Object> out = new ArrayList<>();
    o.results().forEach(r -> out.add(List.of(r.number(), r.values(), r.aggregates(), r.folds().stream().map(Resample.Fold::scores)
        .toList())));
    return out;
  }

  @Test
  void aTuningGoesOnWhereItStoppedWithoutRepeatingATrial() throws IOException {
    Path folder = tmp.resolve("t");
    Tuning.Outcome first;
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      first = tuning(folder, 2).run(w, r -> {});
    }
    List<Integer> ranNow = new ArrayList<>();
    Tuning.Outcome second;
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      second = tuning(folder, 3).run(w, r -> ranNow.add(r.number()));
    }
    assertEquals(List.of(3), ranNow);
    assertEquals(2, second.before());
    assertEquals(scores(first), scores(second).subList(0, 2));
    String csv = Files.readString(folder.resolve("results.csv"));
    assertTrue(csv.startsWith("trial,status,opt.lr,neurons,classif.acc,classif.acc.sd,classif.ce,classif.ce.sd,epochs,seconds,error\n"),
        csv);
    assertEquals(4, csv.lines().count());
    assertTrue(Files.readString(folder.resolve("best.json")).contains("\"trial\": " + second.best().orElseThrow().number()));

    // Another setup on the same folder is refused, naming what changed.
    Tuning other = new Tuning(PLATFORM, MLP.with(Map.of("epochs", 4)), TaskReference.builtIn("iris"), space(), Resampling.cv(2),
        List.of("classif.acc", "classif.ce"), folder).trials(3).seed(5);
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      String m = assertThrows(TorchworkException.class, () -> other.run(w, r -> {})).getMessage();
      assertTrue(m.contains("holds trials of another setup: settings"), m);
      assertTrue(m.contains("Give --out another folder"), m);
    }

    // A record that is not JSON is never trusted.
    Files.writeString(folder.resolve("trials.json"), "{\"format\": 1, \"setup\": ", StandardCharsets.UTF_8);
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      String m = assertThrows(TorchworkException.class, () -> tuning(folder, 3).run(w, r -> {})).getMessage();
      assertTrue(m.contains("is not a tuning record"), m);
    }
  }

  /** Fails in on_begin when fail=true. */
  static final class Refusing extends org.torchwork.api.CallbackSet {
    private final boolean fail;

    Refusing(boolean fail) {
      this.fail = fail;
    }

    @Override
    public void onBegin(org.torchwork.api.Context ctx) {
      if (fail) {
        throw new IllegalStateException("refusing, as fail=true asks");
      }
    }
  }

  @Test
  void aFailingTrialIsReportedNotDropped() {
    Platform platform = Platform.builder().callback(org.torchwork.api.TorchCallback.builder("refusing", Refusing.class)
        .param(org.torchwork.api.Param.bool("fail").defaultValue(false).build()).build(p -> new Refusing(p.getBoolean("fail"))))
        .build();
    Tuning t = new Tuning(platform, new LearnerConfig("classif.mlp", List.of("refusing"), MLP.settings()), TaskReference.builtIn("iris"),
        Map.of("cb.refusing.fail", List.of(false, true)), Resampling.cv(2), List.of("classif.acc"), tmp.resolve("f")).method(Tuning.GRID);
    Tuning.Outcome o;
    try (LocalTrials w = new LocalTrials(platform, 2, List.of())) {
      o = t.run(w, r -> {});
    }
    assertEquals(2, o.results().size());
    TrialResult failed = o.results().stream().filter(r -> !r.ok()).findFirst().orElseThrow();
    assertEquals(Map.of("cb.refusing.fail", true), failed.values());
    assertTrue(failed.error().contains("refusing, as fail=true asks"), failed.error());
    assertEquals(Map.of("cb.refusing.fail", false), o.best().orElseThrow().values());
  }

  @Test
  void epochsInternalRecordsTheEpochsEarlyStoppingFoundAndRetrainsWithThem() {
    Tuning t = new Tuning(PLATFORM, MLP.with(Map.of("epochs", 6, "patience", 1, "validate", 0.3, "measures_valid", "classif.ce")), TaskReference.builtIn("iris"),
        Map.of("epochs", "internal", "opt.lr", List.of(0.05)), Resampling.holdout(0.3), List.of("classif.ce"), tmp.resolve("i"));
    Tuning.Outcome o;
    try (LocalTrials w = new LocalTrials(PLATFORM, 1, List.of())) {
      o = t.trials(1).run(w, r -> {});
    }
    TrialResult best = o.best().orElseThrow();
    int internal = best.internalEpochs();
    assertTrue(internal >= 1 && internal <= 6, "internal epochs " + internal);
    assertEquals(best.folds().get(0).bestEpoch(), internal);
    try (TorchLearner l = t.retrain(best)) {
      assertEquals(internal, l.model().epochs());
      assertFalse(l.model().callbacks().containsKey("early_stopping"));
    }
    String m = assertThrows(TorchworkException.class, () -> new Tuning(PLATFORM, MLP, TaskReference.builtIn("iris"),
        Map.of("epochs", "internal"), Resampling.cv(2), List.of("classif.ce"), tmp.resolve("j")).check()).getMessage();
    assertTrue(m.contains("set patience"), m);
  }

  @Test
  void jobsTrialsAndResultsCrossTheWireAsJsonUnchanged() {
    TuningJob job = new TuningJob(MLP.with(Map.of("seed", 9L, "validate", 0.2, "measures_valid", List.of("classif.ce"))), TaskReference.builtIn("iris"),
        Resampling.cv(2).repeats(2).seed(4), List.of("classif.acc"), 12);
    assertEquals(job, Wire.job(Wire.job(job)));
    Trial trial = new Trial(3, Map.of("opt.lr", 0.0123, "neurons", List.of(8), "shuffle", true));
    assertEquals(trial, Wire.trial(Wire.trial(trial)));
    TrialResult result = job.attempt(PLATFORM, new Trial(1, Map.of("opt.lr", 0.01)));
    assertTrue(result.ok(), result.toString());
    assertEquals(4, result.folds().size());
    assertEquals(result, Wire.result(Wire.result(result)));
    assertThrows(RuntimeException.class, () -> Wire.trial("{\"number\": \"x\"}"));
  }

  @Test
  void aDivergedOrInterruptedTrialCrossesTheWireAndNeverWins() {
    Resample.Fold fold = new Resample.Fold(1, 1, 75, 75, 3, Map.of("classif.acc", Double.NaN), 3, 3, "all 3 epochs done", 0.1, null);
    TrialResult nan = new TrialResult(1, Map.of("opt.lr", 1e30), TrialResult.OK, List.of(new Resample.Aggregate("classif.acc",
        Double.NaN, Double.NaN)), null, List.of(fold), 0.2, null);
    assertEquals(nan, Wire.result(Wire.result(nan)));
    TrialResult fine = new TrialResult(2, Map.of("opt.lr", 0.01), TrialResult.OK, List.of(new Resample.Aggregate("classif.acc",
        0.5, 0.1)), null, List.of(), 0.2, null);
    assertEquals(2, tuning(tmp.resolve("n"), 2).best(List.of(nan, fine)).orElseThrow().number());
    TrialResult stopped = new TrialResult(3, Map.of(), TrialResult.INTERRUPTED, List.of(), null, List.of(), 0.1, "Interrupted by SIGINT");
    assertEquals(stopped, Wire.result(Wire.result(stopped)));
  }

  @Test
  void theSameSpaceGivesTheSamePointsWhateverOrderItsMapKeeps() {
    ParamSetHolder h = new ParamSetHolder();
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("opt.lr", "loguniform(1e-3, 1e-1)");
    ab.put("dropout", "uniform(0, 0.5)");
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("dropout", "uniform(0, 0.5)");
    ba.put("opt.lr", "loguniform(1e-3, 1e-1)");
    Map<String, Object> x = SearchSpace.parse(ab, h.params, 3).sample(new java.util.SplittableRandom(5));
    Map<String, Object> y = SearchSpace.parse(ba, h.params, 3).sample(new java.util.SplittableRandom(5));
    assertEquals(x, y);
    assertEquals(List.of("dropout", "opt.lr"), List.copyOf(y.keySet()), "shown in the order written");
  }

  private static final class ParamSetHolder {
    final org.torchwork.api.ParamSet params = PLATFORM.learner("classif.mlp").paramSet();
  }

  @Test
  void callbackFilesGetOneOfTheirOwnPerSplitAndACsvTasksRowsAreFingerprinted() throws IOException {
    assertEquals(Path.of("logs", "run-t3-r1-f2.csv").toString(), Resample.ownPath(Path.of("logs", "run.csv").toString(), "t3-r1-f2"));
    assertEquals(Path.of("ckpt", "r2-f1").toString(), Resample.ownPath("ckpt", "r2-f1"));
    Path csv = tmp.resolve("d.csv");
    Files.writeString(csv, "a,b\n1,2\n");
    Map<String, Object> a = TaskReference.csv(csv, "a").fingerprint();
    assertTrue(!a.equals(TaskReference.csv(csv, "b").fingerprint()), "another target");
    Files.writeString(csv, "a,b\n1,3\n");
    assertTrue(!a.equals(TaskReference.csv(csv, "a").fingerprint()), "other rows");
    String m = assertThrows(TorchworkException.class, () -> Resample.run(PLATFORM, MLP.with(Map.of("resume", "auto")),
        PLATFORM.task("iris"), Resampling.cv(2), List.of("classif.acc"), Resample.Options.quiet())).getMessage();
    assertTrue(m.contains("Remove resume"), m);
  }
}
