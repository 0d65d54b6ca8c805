package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The callback catalog through the command: listed, scheduled, and a run stopped and resumed. */
class CatalogIT {
  @TempDir Path tmp;

  @Test
  void everyCatalogCallbackIsListed() {
    Dist.Result r = Dist.torchwork(null, "callbacks");
    assertEquals(0, r.exit(), r.toString());
    for (String id : List.of("checkpoint", "csv_logger", "grad_clip", "history", "lr_cosine_annealing", "lr_exponential",
        "lr_lambda", "lr_one_cycle", "lr_reduce_on_plateau", "lr_step", "progress", "tb", "terminate_on_nan", "timer", "unfreeze")) {
      assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith(id + " ")), id + " missing:\n" + r);
    }
  }

  @Test
  void scheduleShowsEachStagesCallbacksInOrder() {
    Dist.Result r = Dist.torchwork(null, "schedule", "checkpoint,history,lr_step,timer");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.outLines().contains("on_epoch_end:         timer (-Infinity), history (0), lr_step (0), checkpoint (Infinity)"),
        r.toString());
    assertTrue(r.outLines().contains("on_after_backward:    timer (-Infinity)"), r.toString());
  }

  @Test
  void aRunStoppedAfterThreeEpochsAndResumedEndsWithTheSameHistory() throws IOException {
    String[] common = {"train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "history,lr_step,checkpoint",
        "--set", "batch_size=32", "--set", "neurons=16", "--set", "seed=7", "--set", "opt.lr=0.01",
        "--set", "cb.lr_step.step_size=2", "--set", "cb.checkpoint.freq=1"};
    Dist.Result full = Dist.torchwork(null, concat(common, "--set", "epochs=6", "--set", "cb.checkpoint.path=" + tmp.resolve("full")));
    assertEquals(0, full.exit(), full.toString());
    Dist.Result first = Dist.torchwork(null, concat(common, "--set", "epochs=3", "--set", "cb.checkpoint.path=" + tmp.resolve("part")));
    assertEquals(0, first.exit(), first.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("part/checkpoint-3.zip")));
    Dist.Result resumed = Dist.torchwork(null, concat(common, "--set", "epochs=6", "--set", "cb.checkpoint.path=" + tmp.resolve("part"),
        "--resume", tmp.resolve("part").toString()));
    assertEquals(0, resumed.exit(), resumed.toString());
    assertEquals(table(full), table(resumed));
    assertEquals(7, table(resumed).size(), "a header and six epochs");
  }

  private static List<String> table(Dist.Result r) {
    List<String> lines = r.outLines();
    int start = lines.indexOf("history: 6 row(s)");
    assertTrue(start >= 0, r.toString());
    return lines.subList(start + 1, start + 8);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
