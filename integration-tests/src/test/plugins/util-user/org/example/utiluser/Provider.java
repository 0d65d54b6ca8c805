package org.example.utiluser;

import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

public final class Provider implements CallbackProvider {
  public static final class User extends CallbackSet {
    @Override
    public void onBegin(Context ctx) {
      ctx.out().println("@ID@ sees util " + org.example.util.Version.get());
    }
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.of("@ID@", User.class, User::new));
  }
}
