package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar dropped into a plugins directory is usable by id; without it, the id is unknown. */
class PluginDirectoryIT {
  @TempDir Path tmp;

  private static final String[] TRAIN = {
    "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger",
    "--set", "epochs=2", "--set", "batch_size=64", "--set", "cb.custom_logger.alpha=0.3"
  };

  @Test
  void aDroppedInJarIsListedAndUsableById() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("fresh"));
    Path jar = Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));

    Dist.Result list = Dist.torchwork(plugins, "callbacks");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.outLines().stream().anyMatch(l -> l.matches("custom_logger\\s+Custom logger\\s+alpha\\s+plugin " + jar)),
        list.toString());
    assertTrue(list.outLines().stream().anyMatch(l -> l.startsWith("history ")), list.toString());

    Dist.Result describe = Dist.torchwork(plugins, "callbacks", "custom_logger");
    assertTrue(describe.out().startsWith("<TorchCallback:custom_logger> Custom logger\n* Generator: CustomLogger\n"
        + "* Parameters: alpha=0.1\n* Packages: org.torchwork.examples.customlogger@1.0.0\n"), describe.toString());

    Dist.Result train = Dist.torchwork(plugins, TRAIN);
    assertEquals(0, train.exit(), train.toString());
    assertEquals(2, train.outLines().stream().filter(l -> l.matches("Epoch \\d: \\d+\\.\\d\\d")).count(), train.toString());
  }

  @Test
  void thePluginsOptionChoosesTheDirectory() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("chosen"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Dist.Result r = Dist.torchwork(empty, "callbacks", "custom_logger", "--plugins", plugins.toString());
    assertEquals(0, r.exit(), r.toString());
  }

  @Test
  void aNonModularJarWorksAsAnAutomaticModule() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("classic"));
    PluginJars.build("recorder", false, plugins.resolve("recorder-classic.jar"));
    Path record = tmp.resolve("classic.txt");
    Dist.Result r = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "recorder",
        "--set", "epochs=1", "--set", "batch_size=64", "--set", "cb.recorder.path=" + record);
    assertEquals(0, r.exit(), r.toString());
    assertEquals("recorder on_begin epoch=0 step=0", Files.readAllLines(record).get(0));
  }

  @Test
  void withoutTheJarTheIdIsUnknownAndTheErrorListsWhatExists() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("none"));
    Dist.Result r = Dist.torchwork(empty, TRAIN);
    assertEquals(2, r.exit(), r.toString());
    assertEquals(
        "error: Unknown callback 'custom_logger'. Available callbacks: checkpoint, csv_logger, ema, grad_clip, history,"
            + " lr_cosine_annealing, lr_cosine_warm_restarts, lr_cyclic, lr_exponential, lr_finder, lr_lambda,"
            + " lr_multiplicative, lr_one_cycle, lr_polynomial, lr_reduce_on_plateau, lr_step, lr_warmup, progress, swa, tb,"
            + " terminate_on_nan, timer, unfreeze. (Callbacks are found on the module path and in the plugins directory "
            + empty + ".)\n",
        r.err());
  }

  @Test
  void badParametersEndWithAClearMessageAndNonZeroExit() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("bad"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    Dist.Result range = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--callbacks", "custom_logger",
        "--set", "epochs=2", "--set", "batch_size=64", "--set", "cb.custom_logger.alpha=1.5");
    assertEquals(2, range.exit(), range.toString());
    assertEquals("error: Parameter 'cb.custom_logger.alpha': 1.5 is out of range. It must be a number in [0, 1],"
        + " e.g. cb.custom_logger.alpha=0.1.\n", range.err());
    Dist.Result type = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp",
        "--set", "epochs=five", "--set", "batch_size=64");
    assertEquals(2, type.exit(), type.toString());
    assertEquals("error: Parameter 'epochs': 'five' is not an integer. It must be an integer >= 0, e.g. epochs=1.\n", type.err());
    Dist.Result learner = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mpl", "--set", "epochs=1");
    assertEquals(2, learner.exit(), learner.toString());
    assertTrue(learner.err().startsWith("error: Unknown learner 'classif.mpl'. Did you mean 'classif.mlp'? Available learners:"
        + " classif.cnn, classif.featureless, classif.ft_transformer, classif.mlp, classif.resnet, classif.tab_resnet, regr.cnn,"
        + " regr.featureless, regr.ft_transformer, regr.mlp, regr.resnet, regr.tab_resnet."), learner.err());
  }
}
