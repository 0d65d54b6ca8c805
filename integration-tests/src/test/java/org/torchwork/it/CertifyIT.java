package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.runtime.Platform;
import org.torchwork.testkit.Certificate;
import org.torchwork.testkit.TestKit;

/** certify: every built-in callback resumes exactly; a callback that forgets part of its state is caught, by name. */
class CertifyIT {
  @TempDir Path tmp;

  /** A factor of 0.9 per step, for lr_lambda and lr_multiplicative. */
  public static final class NinePercentOff implements IntToDoubleFunction {
    @Override
    public double applyAsDouble(int step) {
      return Math.pow(0.9, step);
    }
  }

  /** Every built-in callback, with the parameters it needs. */
  private static final Map<String, Map<String, Object>> BUILT_INS = Map.ofEntries(
      Map.entry("history", Map.of()),
      Map.entry("progress", Map.of()),
      Map.entry("checkpoint", Map.of("keep_last", 2)),
      Map.entry("csv_logger", Map.of()),
      Map.entry("tb", Map.of("log_train_loss", true)),
      Map.entry("lr_step", Map.of("step_size", 1, "step_per", "batch")),
      Map.entry("lr_exponential", Map.of("gamma", 0.9)),
      Map.entry("lr_cosine_annealing", Map.of("T_max", 3, "warmup_steps", 1)),
      Map.entry("lr_cosine_warm_restarts", Map.of("T_0", 2, "T_mult", 2, "step_per", "batch")),
      Map.entry("lr_cyclic", Map.of("max_lr", 0.01, "step_size_up", 2)),
      Map.entry("lr_polynomial", Map.of("total_iters", 3)),
      Map.entry("lr_multiplicative", Map.of("function", NinePercentOff.class.getName())),
      Map.entry("lr_lambda", Map.of("function", NinePercentOff.class.getName())),
      Map.entry("lr_warmup", Map.of("warmup_steps", 4, "step_per", "batch")),
      Map.entry("lr_one_cycle", Map.of("max_lr", 0.01)),
      Map.entry("lr_reduce_on_plateau", Map.of("patience", 0, "monitor", "train.loss")),
      Map.entry("lr_finder", Map.of("num_steps", 5)),
      Map.entry("grad_clip", Map.of("max_norm", 0.5)),
      Map.entry("terminate_on_nan", Map.of()),
      Map.entry("timer", Map.of()),
      Map.entry("unfreeze", Map.of("starting_weights", ".*0.*", "unfreeze", List.of("epoch=2:.*"))),
      Map.entry("ema", Map.of("decay", 0.9)),
      Map.entry("swa", Map.of("swa_start", 2)));

  @Test
  void everyBuiltInCallbackResumesBitForBit() {
    Platform platform = Platform.builder().build();
    List<String> builtIns = platform.callbacks().entries().stream()
        .filter(e -> e.value().generator().getName().startsWith("org.torchwork.callbacks.")).map(e -> e.id()).sorted().toList();
    assertEquals(BUILT_INS.keySet().stream().sorted().toList(), builtIns, "every built-in callback is certified here");
    for (String id : builtIns) {
      TestKit kit = TestKit.callback(platform.callback(id)).platform(platform).param("validate", 0.2)
          .param("measures_valid", "classif.ce");
      BUILT_INS.get(id).forEach(kit::set);
      Certificate c = kit.certify(3);
      assertTrue(c.passed(), c.toString());
    }
  }

  @Test
  void aCallbackWhoseLoadStateDictForgetsAFieldFailsNamingIt() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    PluginJars.build("forgetful", true, plugins.resolve("forgetful.jar"));
    Dist.Result r = Dist.torchwork(plugins, "certify", "forgetful");
    assertEquals(1, r.exit(), r.toString());
    assertEquals("certify forgetful: FAILED. Trained 3 epochs straight through and again stopped and resumed from checkpoints;"
        + " the first difference is in state of 'forgetful'.epochs: 3 (straight) vs 1 (resumed), with the run split at every"
        + " epoch. A resumed run does not continue where it stopped: make loadStateDict() (and loadTensors()) restore"
        + " everything stateDict() (and tensors()) hold.", r.out().trim());

    Dist.Result ok = Dist.torchwork(plugins, "certify", "history", "--json");
    assertEquals(0, ok.exit(), ok.toString());
    assertTrue(ok.out().contains("\"passed\": true"), ok.toString());
  }
}
