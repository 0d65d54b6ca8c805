package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;

class PlatformTest {
  static final class Noop extends CallbackSet {}

  @Test
  void discoversBuiltInsThroughServiceLoader() {
    Platform p = Platform.builder().build();
    assertTrue(p.learners().ids().containsAll(java.util.List.of("classif.mlp", "regr.mlp")));
    assertTrue(p.measures().ids().containsAll(
        java.util.List.of("classif.acc", "classif.ce", "classif.logloss", "regr.mse", "regr.rmse", "regr.mae")));
    assertTrue(p.tasks().ids().contains("iris"));
    assertTrue(p.backends().ids().contains("pytorch"));
  }

  @Test
  void discoveryCanBeTurnedOff() {
    Platform p = Platform.builder().discover(false).callback(TorchCallback.of("noop", Noop.class, Noop::new)).build();
    assertEquals(java.util.Set.of("noop"), p.callbacks().ids());
    assertTrue(p.learners().ids().isEmpty());
  }

  @Test
  void anUnknownIdListsWhatExistsAndTheNearest() {
    Platform p = Platform.builder().discover(false)
        .callback(TorchCallback.of("history", Noop.class, Noop::new), TorchCallback.of("progress", Noop.class, Noop::new))
        .build();
    TorchworkException e = assertThrows(TorchworkException.class, () -> p.callback("histroy"));
    assertEquals(
        "Unknown callback 'histroy'. Did you mean 'history'? Available callbacks: history, progress."
            + " (Callbacks are found on the module path.)",
        e.getMessage());
  }

  @Test
  void aDuplicateIdIsUnusableAndNamesBothSourcesWhileTheRestWorks() {
    Platform p = Platform.builder().discover(false)
        .callback(TorchCallback.of("dup", Noop.class, Noop::new), TorchCallback.of("dup", Noop.class, Noop::new),
            TorchCallback.of("fine", Noop.class, Noop::new))
        .build();
    TorchworkException e = assertThrows(TorchworkException.class, () -> p.callback("dup"));
    assertEquals(
        "Duplicate callback id 'dup': provided by registered by hand and by registered by hand. Ids must be unique;"
            + " remove all but one of them from the module path or the plugins directory.",
        e.getMessage());
    assertEquals(java.util.Map.of("dup", java.util.List.of("registered by hand", "registered by hand")), p.callbacks().conflicts());
    assertEquals("fine", p.callback("fine").id());
  }

  @Test
  void withoutDiscoveryTheBuiltInLossesStayUnlessRegisteredByHand() {
    Platform bare = Platform.builder().discover(false).build();
    assertEquals(java.util.Set.of("cross_entropy", "focal", "huber", "l1", "mse", "poisson", "smooth_l1"), bare.losses().ids());
    assertEquals("built in", bare.losses().entry("mse").source());
    TorchLoss mine = TorchLoss.builder("mse", TaskType.REGR)
        .build((output, target, p) -> output.sub(target).abs().squeeze(1));
    Platform own = Platform.builder().discover(false).loss(mine).build();
    assertEquals("registered by hand", own.losses().entry("mse").source());
    assertEquals(mine, own.loss("mse"));
  }

  @Test
  void aDuplicateLossIdIsUnusableAndNamesBothSources() {
    TorchLoss huber = TorchLoss.builder("huber", TaskType.REGR)
        .build((output, target, p) -> output.sub(target).abs().squeeze(1));
    Platform p = Platform.builder().loss(huber).build();
    TorchworkException e = assertThrows(TorchworkException.class, () -> p.loss("huber"));
    // The built-in one's source is the runtime's classes (its module and jar in the distribution).
    assertTrue(e.getMessage().startsWith("Duplicate loss id 'huber': provided by " + p.losses().entry("mse").source()), e.getMessage());
    assertTrue(e.getMessage().endsWith(" and by registered by hand. Ids must be unique; remove all but one of them from the module"
        + " path or the plugins directory."), e.getMessage());
    assertEquals("mse", p.loss("mse").id(), "the other losses work");
  }

  @Test
  void aMissingPluginsDirectoryIsReported() {
    Path missing = Path.of("no-such-plugins-dir");
    TorchworkException e = assertThrows(TorchworkException.class, () -> Platform.builder().pluginsDir(missing).build());
    assertEquals(
        "Plugins directory no-such-plugins-dir does not exist. Create it, or point to an existing directory (--plugins DIR).",
        e.getMessage());
  }

  @Test
  void aTaskOfTheWrongTypeIsRefused() {
    Platform p = Platform.builder().build();
    TorchLearner regr = p.learner("regr.mlp").set("epochs", 1).set("batch_size", 8);
    TorchworkException e = assertThrows(TorchworkException.class, () -> regr.train(p.task("iris")));
    assertEquals(
        "Learner 'regr.mlp' is for regr tasks, but task 'iris' is a classif task. Use a classif.* learner, e.g. classif.mlp.",
        e.getMessage());
  }
}
