package org.torchwork.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamTest {
  private final Param alpha = Param.number("alpha").range(0, 1).defaultValue(0.1).build();

  @Test
  void convertsStringsAndObjects() {
    assertEquals(0.05, alpha.convert("0.05", "alpha"));
    assertEquals(1.0, alpha.convert(1, "alpha"));
    assertEquals(5, Param.integer("epochs").build().convert("5", "epochs"));
    assertEquals(5, Param.integer("epochs").build().convert(5.0, "epochs"));
    assertEquals(true, Param.bool("shuffle").build().convert("TRUE", "shuffle"));
    assertEquals(List.of(64, 32), Param.integers("neurons").build().convert("64, 32", "neurons"));
    assertEquals(List.of(64, 32), Param.integers("neurons").build().convert("[64,32]", "neurons"));
    assertEquals(List.of(20), Param.integers("neurons").build().convert(20, "neurons"));
    assertEquals(List.of(), Param.integers("neurons").build().convert("", "neurons"));
    assertEquals(Double.POSITIVE_INFINITY, Param.number("w").allowInfinite().build().convert("inf", "w"));
    assertEquals("Parameter 'lr': Infinity is not finite. It must be a number > 0, e.g. lr=0.01.", org.junit.jupiter.api.Assertions
        .assertThrows(TorchworkException.class, () -> Param.number("lr").greaterThan(0).defaultValue(0.01).build()
            .convert("Infinity", "lr")).getMessage());
  }

  @Test
  void badValuesNameTheParameterTheProblemAndAnExample() {
    assertEquals(
        "Parameter 'cb.custom_logger.alpha': 'abc' is not a number. It must be a number in [0, 1], e.g. cb.custom_logger.alpha=0.1.",
        assertThrows(TorchworkException.class, () -> alpha.convert("abc", "cb.custom_logger.alpha")).getMessage());
    assertEquals(
        "Parameter 'alpha': 1.5 is out of range. It must be a number in [0, 1], e.g. alpha=0.1.",
        assertThrows(TorchworkException.class, () -> alpha.convert(1.5, "alpha")).getMessage());
    assertEquals(
        "Parameter 'epochs': 2.5 is not an integer. It must be an integer >= 0, e.g. epochs=1.",
        assertThrows(TorchworkException.class, () -> Param.integer("epochs").min(0).build().convert(2.5, "epochs")).getMessage());
    assertEquals(
        "Parameter 'act': 'rleu' is not allowed (did you mean 'relu'?). It must be one of relu, tanh, e.g. act=relu.",
        assertThrows(TorchworkException.class, () -> Param.choice("act", "relu", "tanh").build().convert("rleu", "act")).getMessage());
    assertEquals(
        "Parameter 'lr': 0 is out of range. It must be a number > 0, e.g. lr=1.",
        assertThrows(TorchworkException.class, () -> Param.number("lr").greaterThan(0).build().convert("0", "lr")).getMessage());
    assertEquals(
        "Parameter 'neurons': 0 is out of range. It must be a list of integers, each >= 1, e.g. neurons=1.",
        assertThrows(TorchworkException.class, () -> Param.integers("neurons").min(1).build().convert("64,0", "neurons")).getMessage());
  }

  @Test
  void aParamSetFillsDefaultsAndRequiresRequiredOnes() {
    ParamSet set = ParamSet.of(alpha, Param.integer("epochs").min(0).required().build(), Param.string("path").build());
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("epochs", "3");
    ParamValues v = set.resolve(given, "");
    assertEquals(0.1, v.getDouble("alpha"));
    assertEquals(3, v.getInt("epochs"));
    assertEquals(false, v.has("path"));
    assertEquals(
        "Parameter 'epochs' is required but was not set. Set it to an integer >= 0, e.g. epochs=1.",
        assertThrows(TorchworkException.class, () -> set.resolve(Map.of(), "")).getMessage());
    assertEquals(
        "Unknown parameter 'cb.x.alpa': callback 'x' has no parameter 'alpa'. Did you mean 'alpha'? Known parameters: alpha, epochs, path.",
        assertThrows(TorchworkException.class, () -> set.resolve(Map.of("alpa", 1), "cb.x.")).getMessage());
    assertEquals(
        "Unknown parameter 'cb.h.x': callback 'h' takes no parameters. Remove the setting.",
        assertThrows(TorchworkException.class, () -> ParamSet.empty().resolve(Map.of("x", 1), "cb.h.")).getMessage());
  }

  @Test
  void aDefaultOutsideTheBoundsIsRejectedWhenDeclared() {
    assertThrows(TorchworkException.class, () -> Param.number("p").range(0, 1).defaultValue(2).build());
    assertThrows(IllegalArgumentException.class, () -> Param.number("p").required().defaultValue(0.5).build());
  }
}
