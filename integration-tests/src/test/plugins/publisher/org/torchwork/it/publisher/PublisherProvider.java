package org.torchwork.it.publisher;

import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Callback "publisher": publishes each batch's step (their mean per epoch) and a score per epoch, 5 then 4 for ever. */
public final class PublisherProvider implements CallbackProvider {
  /** The callback. */
  public static final class Publisher extends CallbackSet {
    @Override
    public void onBatchEnd(Context ctx) {
      ctx.log("step", ctx.step());
    }

    @Override
    public void onBeforeValid(Context ctx) {
      ctx.log("score", ctx.epoch() == 1 ? 5 : 4);
    }
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.builder("publisher", Publisher.class).description("publishes step and score")
        .publishes("step", "score").weight(-1).build(p -> new Publisher()));
  }
}
