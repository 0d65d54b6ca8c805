package org.torchwork.runtime.loop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Prediction;
import org.torchwork.api.TaskType;
import org.torchwork.runtime.data.TrainingData;
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
