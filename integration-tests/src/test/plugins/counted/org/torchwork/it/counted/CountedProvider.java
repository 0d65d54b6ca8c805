package org.torchwork.it.counted;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** One callback, "counted"; each time the provider is created it appends a line to the file named by torchwork.it.counted. */
public final class CountedProvider implements CallbackProvider {
  /** Does nothing. */
  public static final class Counted extends CallbackSet {}

  public CountedProvider() {
    String file = System.getProperty("torchwork.it.counted");
    if (file != null) {
      try {
        Files.writeString(Path.of(file), "created\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(TorchCallback.builder("counted", Counted.class).description("does nothing").build(p -> new Counted()));
  }
}
