package org.torchwork.it.refusing;

import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Callback "refusing": fails every run in on_begin when fail=true. */
public final class RefusingProvider implements CallbackProvider {
  /** The callback. */
  public static final class Refusing extends CallbackSet {
    private final boolean fail;

    Refusing(boolean fail) {
      this.fail = fail;
    }

    @Override
    public void onBegin(Context ctx) {
      if (fail) {
        throw new IllegalStateException("refusing to train, as fail=true asks");
      }
    }
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.builder("refusing", Refusing.class).description("fails in on_begin when fail=true")
        .param(Param.bool("fail").defaultValue(false).description("whether to fail").build())
        .build(p -> new Refusing(p.getBoolean("fail"))));
  }
}
