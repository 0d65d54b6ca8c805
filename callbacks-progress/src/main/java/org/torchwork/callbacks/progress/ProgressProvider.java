package org.torchwork.callbacks.progress;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides callback {@code progress}. */
public final class ProgressProvider implements CallbackProvider {
  /** The descriptor of callback {@code progress}. */
  public static final TorchCallback PROGRESS =
      TorchCallback.builder("progress", Progress.class)
          .label("Progress")
          .measuresTime()
          .description("A live bar per epoch (samples/s, elapsed and remaining time, running loss) and a validation bar on a"
              + " terminal; one line per epoch with every score otherwise.")
          .param(Param.integer("digits").range(0, 10).defaultValue(2).description("decimal places of losses and scores"))
          .param(Param.choice("display", "auto", "bar", "plain").defaultValue("auto")
              .description("auto: a live bar on a terminal (not with TERM=dumb), one line per epoch otherwise"))
          .build(p -> new Progress(p.getInt("digits"), live(p.getString("display")), colour()));

  /** Creates the provider. */
  public ProgressProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(PROGRESS);
  }

  private static boolean live(String display) {
    switch (display) {
      case "bar":
        return true;
      case "plain":
        return false;
      default:
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }
  }

  /** Colours, unless NO_COLOR is set (https://no-color.org) or the terminal is dumb. */
  private static boolean colour() {
    String noColor = System.getenv("NO_COLOR");
    return (noColor == null || noColor.isEmpty()) && !"dumb".equals(System.getenv("TERM"));
  }
}
