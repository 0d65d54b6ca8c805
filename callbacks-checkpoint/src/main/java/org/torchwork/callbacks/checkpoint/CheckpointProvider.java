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
          .description("Saves network, optimizer, data order, epoch and callback states every freq epochs, at the end and"
              + " on an interrupt; resume with resume=<path>. The folder belongs to one run.")
          .weight(Double.POSITIVE_INFINITY)
          .savesCheckpoints()
          .param(Param.string("path").required().path().description("directory for checkpoint-<epoch>.zip files"))
          .param(Param.integer("freq").min(1).required().description("save every this many epochs"))
          .param(Param.bool("on_interrupt").defaultValue(true)
              .description("on Ctrl-C or SIGTERM, save the run where it stopped (checkpoint-<epoch>+<batch>.zip)"))
          .param(Param.bool("fresh").defaultValue(false)
              .description("delete another run's checkpoints in path instead of refusing to mix runs"))
          .build(p -> new Checkpoint(Path.of(p.getString("path")), p.getInt("freq"), p.getBoolean("on_interrupt"),
              p.getBoolean("fresh")));

  /** Creates the provider. */
  public CheckpointProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(CHECKPOINT);
  }
}
