package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.torchwork.api.Prediction;
import org.torchwork.api.Stage;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.RunEnd;
import org.torchwork.data.TrainingData;
import org.torchwork.runtime.store.Checkpoints;
import org.torchwork.runtime.store.ModelFiles;

/** What a run needs to know to be saved and resumed in the middle of an epoch, and what it must not overwrite. */
final class Resumes {
  private Resumes() {}

  /** The files a run reads, which its outputs must never replace. */
  static Map<Path, String> inputs(TrainingData data, Checkpoints.Loaded resume, ModelFiles.Saved init) {
    Map<Path, String> inputs = new LinkedHashMap<>();
    data.train().source().ifPresent(p -> inputs.put(p, "the task's data file"));
    if (data.valid() != null) {
      data.valid().source().ifPresent(p -> inputs.putIfAbsent(p, "the validation data file"));
    }
    if (resume != null) {
      inputs.put(resume.file().toAbsolutePath().normalize(), "the checkpoint this run resumes from");
    }
    if (init != null) {
      inputs.put(init.dir().toAbsolutePath().normalize(), "the model this run fine-tunes");
    }
    return inputs;
  }

  /** Makes a resumed run that had ended (its last checkpoint says how) end as it did, training no further. */
  static void restoreEnd(Checkpoints.Meta meta, LoopContext ctx) {
    if (meta.end() != null && !RunEnd.COMPLETED.equals(meta.end().kind())) {
      ctx.terminate = true;
      ctx.terminatedBy = meta.end().callback();
      ctx.terminatedIn = meta.end().stage() == null ? null : Stage.valueOf(meta.end().stage().toUpperCase(Locale.ROOT));
      ctx.terminateReason = meta.end().reason();
    }
  }

  /** Whether the run is past its last epoch: in on_end, or at the end of the epoch that ends it. */
  static boolean finished(LoopContext ctx) {
    return ctx.stage == Stage.ON_END
        || (ctx.stage == Stage.ON_EPOCH_END && (ctx.epoch >= ctx.totalEpochs || ctx.terminate) && ctx.failure == null);
  }

  /** How a run that did not fail ended. */
  static RunEnd end(LoopContext ctx) {
    if (!ctx.terminate) {
      return new RunEnd(RunEnd.COMPLETED, ctx.epoch, ctx.totalEpochs, null, null, null);
    }
    String kind = EarlyStopping.ID.equals(ctx.terminatedBy) ? RunEnd.EARLY_STOPPING : RunEnd.TERMINATED;
    return new RunEnd(kind, ctx.epoch, ctx.totalEpochs, ctx.terminatedBy, ctx.terminatedIn == null ? null : ctx.terminatedIn.id(),
        ctx.terminateReason);
  }

  /** Gives each callback its state, then its tensors, from a checkpoint. */
  static void restoreStates(Checkpoints.Loaded checkpoint, List<Live> callbacks, NDManager manager) {
    for (Live live : callbacks) {
      Object state = checkpoint.meta().callbacks().get(live.id());
      Map<String, byte[]> tensors = checkpoint.callbackTensors().getOrDefault(live.id(), Map.of());
      String what = "state";
      try {
        if (state != null) {
          live.callback().loadStateDict(state);
        }
        if (!tensors.isEmpty()) {
          what = "tensors";
          Map<String, NDArray> arrays = new LinkedHashMap<>();
          tensors.forEach((name, bytes) -> arrays.put(name, NDArray.decode(manager, bytes)));
          live.callback().loadTensors(Collections.unmodifiableMap(arrays));
        }
      } catch (RuntimeException e) {
        throw new TorchworkException("Callback '" + live.id() + "' could not load its " + what + " from checkpoint "
            + checkpoint.file() + ": " + e + ". The callback's load" + (what.equals("state") ? "StateDict" : "Tensors")
            + "() does not accept what its " + (what.equals("state") ? "stateDict" : "tensors") + "() returned; fix the"
            + " callback.", e);
      }
    }
  }

  /** The training predictions of an epoch in progress, read back from a checkpoint. */
  static Prediction fromPartial(Checkpoints.Partial p, TaskType type, List<String> classes) {
    return type == TaskType.CLASSIF ? Prediction.classif(classes, p.truth(), p.values()) : Prediction.regr(p.truth(), p.values());
  }

  /** The training predictions of an epoch in progress, for a checkpoint; null when there are none. */
  static Checkpoints.Partial toPartial(List<Prediction> parts) {
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    Prediction all = Prediction.concat(parts);
    int n = all.nrow();
    float[] truth = new float[n];
    int width = all.hasProb() ? all.classes().size() : 1;
    float[] values = new float[n * width];
    for (int r = 0; r < n; r++) {
      truth[r] = all.truth(r);
      for (int c = 0; c < width; c++) {
        values[r * width + c] = all.hasProb() ? all.prob(r, c) : all.response(r);
      }
    }
    return new Checkpoints.Partial(truth, values);
  }
}
