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
          .description("Saves network, optimizer, data order, epoch and callback states every freq epochs (or steps, or"
              + " minutes), at the end and on an interrupt; keeps the last n and the k best by a monitor; resume with"
              + " resume=<path> or resume=auto. The folder belongs to one run.")
          .weight(Double.POSITIVE_INFINITY)
          .savesCheckpoints()
          .param(Param.string("path").required().path().description("directory for checkpoint-<epoch>.zip files"))
          .param(Param.integer("freq").min(1).defaultValue(1).description("save every this many epochs"))
          .param(Param.integer("every_n_steps").min(1).description("also save every this many batches"
              + " (checkpoint-<epochs done>+<batch>.zip)"))
          .param(Param.number("every_minutes").greaterThan(0).description("also save after a batch when this many minutes"
              + " passed since the last save"))
          .param(Param.bool("on_interrupt").defaultValue(true)
              .description("on Ctrl-C or SIGTERM, save the run where it stopped (checkpoint-<epoch>+<batch>.zip)"))
          .param(Param.bool("on_exception").defaultValue(false)
              .description("when the run fails (a callback or the engine throws), save it where it stopped"))
          .param(Param.integer("keep_last").min(0).defaultValue(0)
              .description("keep only the latest this many checkpoints (besides the save_top_k best); 0 keeps all"))
          .param(Param.integer("save_top_k").min(0).defaultValue(0)
              .description("also keep the checkpoints of the k best epochs by monitor"))
          .param(Param.string("monitor").description("what save_top_k ranks epochs by: valid.<measure>, train.<measure>,"
              + " train.loss or a published <callback>.<name>"))
          .param(Param.choice("mode", "auto", "min", "max").defaultValue("auto")
              .description("whether the monitored quantity is better low or high; auto follows the measure"))
          .param(Param.number("min_delta").min(0).defaultValue(0)
              .description("the least change of the monitored quantity that counts as better"))
          .param(Param.bool("fresh").defaultValue(false)
              .description("delete another run's checkpoints in path instead of refusing to mix runs"))
          .build(p -> new Checkpoint(Path.of(p.getString("path")), new Checkpoint.Settings(p.getInt("freq"),
              p.has("every_n_steps") ? p.getInt("every_n_steps") : null,
              p.has("every_minutes") ? p.getDouble("every_minutes") : null, p.getBoolean("on_interrupt"),
              p.getBoolean("on_exception"), p.getBoolean("fresh"), p.getInt("keep_last"), p.getInt("save_top_k"),
              p.has("monitor") ? p.getString("monitor") : null, p.getString("mode"), p.getDouble("min_delta"))));

  /** Creates the provider. */
  public CheckpointProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(CHECKPOINT);
  }
}
