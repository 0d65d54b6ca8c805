package org.torchwork.it.forgetful;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Callback "forgetful": counts batches and epochs, and its loadStateDict forgets the epochs. */
public final class ForgetfulProvider implements CallbackProvider {
  /** The callback. */
  public static final class Forgetful extends CallbackSet {
    private long batches;
    private int epochs;

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
    }

    @Override
    public void onEpochEnd(Context ctx) {
      epochs++;
    }

    @Override
    public Object stateDict() {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("batches", batches);
      state.put("epochs", epochs);
      return state;
    }

    @Override
    public void loadStateDict(Object state) {
      batches = ((Number) ((Map<?, ?>) state).get("batches")).longValue();
    }
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.builder("forgetful", Forgetful.class).description("forgets to restore its epochs")
        .build(p -> new Forgetful()));
  }
}
