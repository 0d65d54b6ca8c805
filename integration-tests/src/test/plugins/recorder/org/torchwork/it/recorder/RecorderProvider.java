package org.torchwork.it.recorder;

import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Two recorders: "recorder" (weight 0) and "recorder_first" (weight -10). */
public final class RecorderProvider implements CallbackProvider {
  private static TorchCallback descriptor(String id, double weight) {
    return TorchCallback.builder(id, Recorder.class)
        .weight(weight)
        .param(Param.string("path").required())
        .param(Param.string("terminate_at").description("stage@epoch"))
        .param(Param.string("fail_at").description("stage@global step"))
        .build(p -> new Recorder(id, p.getString("path"), optional(p, "terminate_at"), optional(p, "fail_at")));
  }

  private static String optional(ParamValues p, String id) {
    return p.has(id) ? p.getString(id) : "";
  }

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(descriptor("recorder", 0), descriptor("recorder_first", -10));
  }
}
