package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;

/** Values callbacks publish with ctx.log, the run's quantities, and early stopping on any of them. */
class PublishedValuesTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");

  private final List<TorchLearner> learners = new ArrayList<>();

  @AfterEach
  void close() {
    learners.forEach(TorchLearner::close);
  }

  private TorchLearner learner(Object... keyValues) {
    TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 3).set("batch_size", 50).set("neurons", 8).set("seed", 7);
    for (int i = 0; i < keyValues.length; i += 2) {
      l.set((String) keyValues[i], keyValues[i + 1]);
    }
    learners.add(l);
    return l;
  }

  /** Publishes each batch's step (their mean is the epoch's value) and, per epoch, a score from a list. */
  static final class Publisher extends CallbackSet {
    static final double[] SCORES = {5, 4, 4, 4, 4, 4, 4, 4};

    @Override
    public void onBatchEnd(Context ctx) {
      ctx.log("step", ctx.step());
    }

    @Override
    public void onValidEnd(Context ctx) {
      ctx.log("score", SCORES[ctx.epoch() - 1]);
    }

    @Override
    public void onBeforeValid(Context ctx) {
      if (!ctx.taskValid().isPresent()) {
        ctx.log("score", SCORES[ctx.epoch() - 1]);
      }
    }

    @Override
    public void onEpochEnd(Context ctx) {
      ctx.log("late", 10 * ctx.epoch());
    }
  }

  static final TorchCallback PUBLISHER = TorchCallback.builder("pub", Publisher.class).publishes("step", "score", "late")
      .weight(-1).build(p -> new Publisher());

  /** Records, at each on_epoch_end, what the context says. */
  static final class Reader extends CallbackSet {
    final List<Map<String, Double>> logged = new ArrayList<>();
    final List<Map<String, Double>> scoresTrain = new ArrayList<>();
    final List<Optional<Double>> monitored = new ArrayList<>();
    List<String> quantities;

    @Override
    public void onBegin(Context ctx) {
      quantities = ctx.quantities();
    }

    @Override
    public void onEpochEnd(Context ctx) {
      logged.add(ctx.logged());
      scoresTrain.add(ctx.lastScoresTrain());
      monitored.add(ctx.quantity("valid.classif.acc"));
    }
  }

  @Test
  void publishedValuesAreTheEpochsMeanUnderTheCallbacksIdAndEveryQuantityIsKnownBeforeTraining() {
    Reader reader = new Reader();
    learner("validate", 0.2, "measures_train", List.of("classif.acc"), "measures_valid", List.of("classif.acc"), "eval_freq", 2)
        .callbacks(PUBLISHER, TorchCallback.of("reader", Reader.class, () -> reader)).train(IRIS);
    assertEquals(List.of("train.loss", "train.classif.acc", "valid.classif.acc", "lr", "pub.step", "pub.score", "pub.late"),
        reader.quantities);
    // 120 training rows in batches of 50: steps 1, 2, 3, whose mean is 2.
    assertEquals(List.of("lr", "pub.step", "pub.late"), List.copyOf(reader.logged.get(0).keySet()), "epoch 1 does not validate");
    assertEquals(30.0, reader.logged.get(2).get("pub.late"), "published in on_epoch_end, before the reader runs");
    assertEquals(2.0, reader.logged.get(0).get("pub.step"));
    assertEquals(4.0, reader.logged.get(1).get("pub.score"));
    assertEquals(0.001, reader.logged.get(2).get("lr"));
    // eval_freq 2: epoch 1 evaluates nothing, epochs 2 and 3 (the last) do.
    assertEquals(Map.of(), reader.scoresTrain.get(0));
    assertEquals(Optional.empty(), reader.monitored.get(0));
    assertTrue(reader.scoresTrain.get(1).containsKey("classif.acc"), reader.scoresTrain.toString());
    assertTrue(reader.monitored.get(2).isPresent());
  }

  static final class Undeclared extends CallbackSet {
    @Override
    public void onBatchEnd(Context ctx) {
      ctx.log("nope", 1);
    }
  }

  static final class OutsideAnEpoch extends CallbackSet {
    @Override
    public void onBegin(Context ctx) {
      ctx.log("early", 1);
    }
  }

  @Test
  void aValueMustBeDeclaredAndPublishedInsideAnEpoch() {
    TorchCallback undeclared = TorchCallback.builder("undeclared", Undeclared.class).publishes("yes").build(p -> new Undeclared());
    CallbackException e = assertThrows(CallbackException.class, () -> learner().callbacks(undeclared).train(IRIS));
    assertEquals("Callback 'undeclared' published 'nope', which its descriptor does not declare (it declares yes). Declare it"
        + " with TorchCallback.builder(...).publishes(\"nope\").", e.getCause().getMessage());

    TorchCallback outside = TorchCallback.builder("outside", OutsideAnEpoch.class).publishes("early")
        .build(p -> new OutsideAnEpoch());
    e = assertThrows(CallbackException.class, () -> learner().callbacks(outside).train(IRIS));
    assertEquals("ctx.log(\"early\") in on_begin: values are published for an epoch, from on_epoch_begin to on_epoch_end."
        + " Publish it in one of those stages.", e.getCause().getMessage());
    assertThrows(IllegalArgumentException.class, () -> TorchCallback.builder("x", Undeclared.class).publishes("Bad Name"));
  }

  @Test
  void earlyStoppingMonitorsAPublishedValue() {
    TorchLearner l = learner("epochs", 8, "patience", 2, "monitor", "pub.score", "mode", "min").callbacks(PUBLISHER).train(IRIS);
    // 5, then 4 (best, epoch 2), then 4 and 4 do not improve: the run stops after epoch 4.
    assertEquals(4, l.model().epochs());
    assertEquals("pub.score did not improve for 2 epoch(s); the best was epoch 2 (pub.score = 4.00000), whose weights were"
        + " not kept (restore_best_weights=false)", l.model().end().orElseThrow().reason());
    @SuppressWarnings("unchecked")
    Map<String, Object> state = (Map<String, Object>) l.model().callbacks().get("early_stopping");
    assertEquals(2, state.get("best_epoch"));
    assertEquals(4.0, state.get("best_score"));
  }

  @Test
  void startFromEpochAndBaseline() {
    // Epochs 1 to 3 are not checked; from epoch 4 on, 4 never beats the baseline 3.
    TorchLearner l = learner("epochs", 8, "patience", 2, "monitor", "pub.score", "mode", "min", "start_from_epoch", 3,
        "baseline", 3.0).callbacks(PUBLISHER).train(IRIS);
    assertEquals(5, l.model().epochs());
    assertTrue(l.model().end().orElseThrow().reason().startsWith("pub.score did not improve on the baseline 3.0 for 2 epoch(s)"),
        l.model().end().orElseThrow().reason());
  }

  @Test
  void aMonitorNamingWhatTheRunNeverProducesFailsBeforeTrainingListingWhatItProduces() {
    TorchworkException e = assertThrows(TorchworkException.class,
        () -> learner("patience", 2, "monitor", "pub.scor").callbacks(PUBLISHER).train(IRIS));
    assertEquals("Parameter 'monitor' is 'pub.scor', which this run never produces. Did you mean 'pub.score'? It produces:"
        + " train.loss, lr, pub.step, pub.score, pub.late.", rootMessage(e));
    e = assertThrows(TorchworkException.class,
        () -> learner("patience", 2, "monitor", "pub.score").callbacks(PUBLISHER).train(IRIS));
    assertEquals("Parameter 'mode' is auto, which cannot tell whether pub.score should be low or high. Set mode=min or"
        + " mode=max.", rootMessage(e));
    e = assertThrows(TorchworkException.class, () -> learner("monitor", "train.loss").train(IRIS));
    assertEquals("Parameter 'monitor' is for early stopping, which is off (patience=0). Set patience=<checks without"
        + " improvement>, e.g. patience=3, or remove monitor.", e.getMessage());
  }

  @Test
  void earlyStoppingOnTheTrainingLossNeedsNoValidationData() {
    TorchLearner l = learner("epochs", 4, "patience", 1, "monitor", "train.loss", "min_delta", 100.0).train(IRIS);
    // No epoch improves on the first by more than 100.
    assertEquals(2, l.model().epochs());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    assertInstanceOf(TorchworkException.class, t);
    return t.getMessage();
  }
}
