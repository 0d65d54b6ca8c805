package org.torchwork.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.BackendChoice;
import org.torchwork.runtime.RunEnd;

/**
 * The {@code --json} documents: one JSON object per command on standard output, pretty-printed.
 * Numbers that JSON cannot hold ({@code NaN}, infinities) are written as the strings
 * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
final class JsonOut {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

  private JsonOut() {}

  /** Prints one document. */
  static void print(PrintWriter out, Map<String, Object> document) {
    out.println(GSON.toJson(plain(document)));
    out.flush();
  }

  /** A new document for a command. */
  static Map<String, Object> document(String command) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("command", command);
    return doc;
  }

  /** The engine and device chosen, and which setting chose each. */
  static Map<String, Object> choice(BackendChoice c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", c.backend().id());
    m.put("engine_version", c.engine().getEngineName() + " " + c.engine().getVersion());
    m.put("engine_source", c.engineSource());
    m.put("device", BackendChoice.deviceName(c.device()));
    m.put("device_source", c.deviceSource());
    return m;
  }

  /** How a run ended. */
  static Map<String, Object> end(RunEnd e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", e.kind());
    m.put("epoch", e.epoch());
    m.put("epochs", e.epochs());
    m.put("callback", e.callback());
    m.put("stage", e.stage());
    m.put("reason", e.reason());
    m.put("description", e.describe());
    return m;
  }

  /** A parameter: id, type, allowed values, default, whether required, description. */
  static Map<String, Object> param(Param p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("type", p.type().description());
    m.put("allowed", p.allowed());
    m.put("default", p.defaultValue());
    m.put("required", p.required());
    m.put("description", p.description());
    return m;
  }

  /** A callback's descriptor. */
  static Map<String, Object> callback(TorchCallback cb, String source) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", cb.id());
    m.put("label", cb.label());
    m.put("description", cb.description());
    m.put("weight", cb.weight());
    m.put("stages", cb.stages().stream().map(s -> s.id()).toList());
    List<Object> params = new ArrayList<>();
    cb.paramSet().params().forEach(p -> params.add(param(p)));
    m.put("params", params);
    m.put("source", source);
    return m;
  }

  /** The value with every non-finite number as a string, so that any JSON reader accepts it. */
  private static Object plain(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? v : Double.toString(d);
    }
    if (v instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<?, ?>) v).forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>();
      ((List<?>) v).forEach(x -> out.add(plain(x)));
      return out;
    }
    return v;
  }
}
