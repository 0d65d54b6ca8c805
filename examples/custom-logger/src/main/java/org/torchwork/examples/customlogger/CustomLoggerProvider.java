package org.torchwork.examples.customlogger;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides callback {@code custom_logger}. */
public final class CustomLoggerProvider implements CallbackProvider {
  /** The descriptor: one parameter, {@code alpha}. */
  public static final TorchCallback CUSTOM_LOGGER =
      TorchCallback.builder("custom_logger", CustomLogger.class)
          .description("Prints an exponential moving average of the training loss every epoch.")
          .param(Param.number("alpha").range(0, 1).defaultValue(0.1).description("smoothing factor"))
          .build(p -> new CustomLogger(p.getDouble("alpha")));

  /** Creates the provider. */
  public CustomLoggerProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(CUSTOM_LOGGER);
  }
}
