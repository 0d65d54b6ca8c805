package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;

/** Training holds a fixed number of arrays, however long it runs: nothing leaks per batch. */
class NativeMemoryTest {
  private static final Platform PLATFORM = Platform.builder().build();

  private static int arraysAfter(int epochs, String engine, String optimizer) {
    try (TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", epochs).set("batch_size", 16).set("neurons", 8)
        .set("optimizer", optimizer).set("opt.weight_decay", 0.01).set("opt.momentum", 0.5).set("engine", engine)
        .set("validate", 0.2).set("measures_train", "classif.acc").set("measures_valid", "classif.ce").set("seed", 1)
        .set("patience", 100).set("restore_best_weights", true)) {
      l.train(PLATFORM.task("iris"));
      return l.model().network().getNDManager().getManagedArrays().size();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"pytorch, adam", "pytorch, sgd", "mxnet, adamw"})
  void theArraysTheModelHoldsDoNotGrowWithEpochs(String engine, String optimizer) {
    assertEquals(arraysAfter(2, engine, optimizer), arraysAfter(8, engine, optimizer));
  }

  /** Counts the arrays the model's manager and its sub-managers hold at the end of every epoch. */
  public static final class Counter extends CallbackSet {
    final List<Integer> arrays = new ArrayList<>();

    @Override
    public void onEpochEnd(Context ctx) {
      arrays.add(ctx.model().getNDManager().getManagedArrays().size());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"pytorch, adam", "pytorch, sgd", "mxnet, adamw"})
  void whileTrainingTheArraysHeldStayTheSameEveryEpoch(String engine, String optimizer) {
    Counter counter = new Counter();
    try (TorchLearner l = PLATFORM.learner("classif.mlp").set("epochs", 6).set("batch_size", 16).set("neurons", 8)
        .set("optimizer", optimizer).set("opt.momentum", 0.5).set("engine", engine).set("validate", 0.2)
        .set("measures_train", "classif.acc").set("seed", 1)
        .callbacks(TorchCallback.of("counter", Counter.class, () -> counter))) {
      l.train(PLATFORM.task("iris"));
    }
    // The rows, the network, the optimizer's state: the same every epoch, whatever each epoch made.
    assertEquals(6, counter.arrays.size());
    assertEquals(1, counter.arrays.stream().distinct().count(), "arrays held at each epoch's end: " + counter.arrays);
  }
}
