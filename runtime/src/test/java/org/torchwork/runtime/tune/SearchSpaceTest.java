package org.torchwork.runtime.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

class SearchSpaceTest {
  static final class Decay extends CallbackSet {}

  static final TorchCallback DECAY = TorchCallback.builder("decay", Decay.class)
      .param(Param.number("gamma").range(0, 1).defaultValue(0.5).description("factor").build())
      .build(p -> new Decay());

  private static ParamSet params() {
    TorchLearner l = Platform.builder().build().learner("classif.mlp").callbacks(DECAY);
    return l.paramSet();
  }

  @Test
  void theLearnersParameterSetHoldsItsCallbacksParametersWithTheirRanges() {
    Param gamma = params().find("cb.decay.gamma").orElseThrow();
    assertEquals(Param.Type.NUMBER, gamma.type());
    assertEquals(0.5, gamma.defaultValue());
    assertTrue(gamma.allowed().contains("[0, 1]"), gamma.allowed());
    assertTrue(assertThrows(TorchworkException.class, () -> gamma.convert(2, "cb.decay.gamma")).getMessage()
        .contains("cb.decay.gamma"));
    assertTrue(params().find("epochs").isPresent());
  }

  @Test
  void samplesStayInTheirDomainsAndTakeTheParametersTypes() {
    Map<String, Object> space = new LinkedHashMap<>();
    space.put("opt.lr", "loguniform(1e-4, 1e-1)");
    space.put("batch_size", "int(8, 64)");
    space.put("cb.decay.gamma", List.of(0.1, 0.5));
    space.put("dropout", "uniform(0, 0.5)");
    SearchSpace s = SearchSpace.parse(space, params(), 10);
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      Map<String, Object> v = s.sample(random);
      double lr = (Double) v.get("opt.lr");
      assertTrue(lr >= 1e-4 && lr <= 1e-1, "lr " + lr);
      int batch = (Integer) v.get("batch_size");
      assertTrue(batch >= 8 && batch <= 64, "batch_size " + batch);
      assertTrue(List.of(0.1, 0.5).contains(v.get("cb.decay.gamma")));
      double p = (Double) v.get("dropout");
      assertTrue(p >= 0 && p <= 0.5);
    }
    assertEquals(Optional.empty(), s.internalEpochs());
  }

  @Test
  void aGridSpreadsRangesEvenlyOnTheirScale() {
    Map<String, Object> space = new LinkedHashMap<>();
    space.put("opt.lr", "loguniform(1e-3, 1e-1)");
    space.put("neurons", List.of(8, 16));
    List<Map<String, Object>> grid = SearchSpace.parse(space, params(), null).grid(3);
    assertEquals(6, grid.size());
    // Keys in alphabetical order, the last varying fastest.
    assertEquals(List.of(1e-3, 1e-2, 1e-1, 1e-3, 1e-2, 1e-1), grid.stream().map(p -> Math.round((Double) p.get("opt.lr") * 1e6)
        / 1e6).toList());
    assertEquals(List.of(8, 8, 8, 16, 16, 16), grid.stream().map(p -> ((List<?>) p.get("neurons")).get(0)).toList());
  }

  @Test
  void epochsInternalTakesTheRunsEpochsAsItsBound() {
    SearchSpace s = SearchSpace.parse(Map.of("epochs", "internal"), params(), 20);
    assertEquals(Optional.of(20), s.internalEpochs());
    assertEquals(Optional.of(50), SearchSpace.parse(Map.of("epochs", "internal(50)"), params(), 20).internalEpochs());
    assertTrue(assertThrows(TorchworkException.class, () -> SearchSpace.parse(Map.of("epochs", "internal"), params(), null))
        .getMessage().contains("write internal(100)"));
  }

  @Test
  void mistakesNameTheKeyAndWhatToWrite() {
    assertTrue(message(Map.of("opt.lrr", "uniform(0, 1)")).contains("opt.lr"), "suggests the near key");
    assertTrue(message(Map.of("cb.decay.gamma", "uniform(0, 2)")).contains("cb.decay.gamma"));
    assertTrue(message(Map.of("opt.lr", "loguniform(0, 1)")).contains("loguniform needs bounds above 0"));
    assertTrue(message(Map.of("opt.lr", "normal(0, 1)")).contains("Write loguniform(a, b), uniform(a, b), int(a, b)"));
    assertTrue(message(Map.of("optimizer", "uniform(0, 1)")).contains("takes a list of values"));
    assertTrue(message(Map.of("neurons", "int(8, 64)")).contains("takes a list of values"));
    assertTrue(message(Map.of("neurons", "internal")).contains("internal tuning is for epochs alone"));
    assertTrue(message(Map.of("neurons", List.of())).contains("lists no values"));
  }

  private static String message(Map<String, Object> space) {
    return assertThrows(TorchworkException.class, () -> SearchSpace.parse(space, params(), 10)).getMessage();
  }
}
