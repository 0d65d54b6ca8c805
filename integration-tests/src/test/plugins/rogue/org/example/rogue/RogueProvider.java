package org.example.rogue;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Callback "rogue". */
public final class RogueProvider implements CallbackProvider {
  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.builder("rogue", Rogue.class)
        .param(Param.string("at").defaultValue("none").description("the stage to misbehave in"))
        .param(Param.string("doing").defaultValue("nothing").description("exception, stack_overflow, out_of_memory, internal_error, exit, halt"))
        .param(Param.string("state").defaultValue("none").description("cyclic, deep, null_key, big_integer, huge"))
        .build(p -> new Rogue(p.getString("at"), p.getString("doing"), p.getString("state"))));
  }
}
