package org.torchwork.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A loss descriptor: its id, label, task types and parameters, checked as a plugin author builds it. */
class TorchLossTest {
  private static final TorchLoss.Formula SQUARED = (output, target, p) -> output.sub(target).square().squeeze(1);

  private static TorchLoss quantile() {
    return TorchLoss.builder("pinball_loss", TaskType.REGR)
        .description("pinball loss")
        .param(Param.number("q").range(0, 1).defaultValue(0.5).description("the quantile"))
        .build(SQUARED);
  }

  @Test
  void aDescriptorKnowsItsIdLabelTaskTypesAndParameters() {
    TorchLoss loss = quantile();
    assertEquals("pinball_loss", loss.id());
    assertEquals("Pinball loss", loss.label(), "the label defaults to the id in words");
    assertEquals("pinball loss", loss.description());
    assertEquals(Set.of(TaskType.REGR), loss.taskTypes());
    assertTrue(loss.appliesTo(TaskType.REGR));
    assertFalse(loss.appliesTo(TaskType.CLASSIF));
    assertEquals(List.of("q"), loss.paramSet().ids());
    assertEquals("<TorchLoss:pinball_loss> Pinball loss\n* Task types: regr\n* Parameters: q=0.5", loss.toString());
    TorchLoss both = TorchLoss.builder("any", TaskType.REGR, TaskType.CLASSIF).label("Any").build(SQUARED);
    assertEquals(List.of(TaskType.CLASSIF, TaskType.REGR), List.copyOf(both.taskTypes()), "in TaskType order");
    assertEquals("<TorchLoss:any> Any\n* Task types: classif, regr\n* Parameters: (none)", both.toString());
  }

  @Test
  void valuesAreCheckedNamingTheParameterAsLearnersTakeIt() {
    TorchLoss loss = quantile();
    assertEquals(0.5, loss.resolve(Map.of()).getDouble("q"));
    assertEquals(0.9, loss.resolve(Map.of("q", "0.9")).getDouble("q"));
    TorchworkException e = assertThrows(TorchworkException.class, () -> loss.resolve(Map.of("q", 2)));
    assertTrue(e.getMessage().startsWith("Parameter 'loss.q': "), e.getMessage());
    e = assertThrows(TorchworkException.class, () -> loss.resolve(Map.of("p", 2)));
    assertTrue(e.getMessage().startsWith("Unknown parameter 'loss.p': "), e.getMessage());
  }

  @Test
  void aMalformedDescriptorIsRefusedWhenBuilt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchLoss.builder("Huber", TaskType.REGR));
    assertEquals("Loss id 'Huber' is invalid: use lower case letters, digits and '_', starting with a letter (it is set as"
        + " loss=<id>).", e.getMessage());
    assertThrows(NullPointerException.class, () -> TorchLoss.builder("x", null));
    TorchLoss.Builder twice = TorchLoss.builder("x", TaskType.REGR).param(Param.number("a")).param(Param.number("a"));
    assertThrows(IllegalArgumentException.class, () -> twice.build(SQUARED));
    assertThrows(NullPointerException.class, () -> TorchLoss.builder("x", TaskType.REGR).build(null));
  }
}
