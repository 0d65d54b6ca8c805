package org.torchwork.callbacks.checkpoint;

import java.nio.file.Path;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides callback {@code checkpoint}. */
public final class CheckpointProvider implements CallbackProvider {
  /** The descriptor of callback {@code checkpoint}. */
  public static final TorchCallback CHECKPOINT =
      TorchCallback.builder("checkpoint", Checkpoint.class)
          .label("Checkpoint")
          .description("Saves network, optimizer, data order, epoch and callback states every freq epochs and at the end;"
              + " resume with resume=<path>.")
          .weight(Double.POSITIVE_INFINITY)
          .savesCheckpoints()
          .param(Param.string("path").required().description("directory for checkpoint-<epoch>.zip files"))
          .param(Param.integer("freq").min(1).required().description("save every this many epochs"))
          .build(p -> new Checkpoint(Path.of(p.getString("path")), p.getInt("freq")));

  /** Creates the provider. */
  public CheckpointProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(CHECKPOINT);
  }
}
