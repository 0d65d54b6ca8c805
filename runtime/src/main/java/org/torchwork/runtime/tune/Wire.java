package org.torchwork.runtime.tune;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.runtime.store.Json;

/**
 * A tuning's job, trials and results as JSON text, to send to where trials run (a Spark
 * executor) and back. Plain data only: what arrives is read as JSON, never as Java objects, and
 * every value is checked again by the learner's parameters when it is set.
 */
public final class Wire {
  private Wire() {}

  /**
   * A job as JSON.
   *
   * @param job the job
   * @return the text
   */
  public static String job(TuningJob job) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("learner", job.base().learner());
    m.put("callbacks", job.base().callbacks());
    m.put("settings", job.base().settings());
    m.put("task_id", job.task().id());
    m.put("task_csv", job.task().csv());
    m.put("task_target", job.task().target());
    m.put("task_settings", job.task().settings());
    m.put("resampling", job.resampling().toMap());
    m.put("measures", job.measures());
    m.put("internal_epochs", job.internalEpochs());
    return text(m);
  }

  /**
   * Reads a job.
   *
   * @param text {@link #job(TuningJob)}'s text
   * @return the job
   */
  @SuppressWarnings("unchecked")
  public static TuningJob job(String text) {
    Map<String, Object> m = map(text);
    LearnerConfig base = new LearnerConfig((String) m.get("learner"), (List<String>) m.get("callbacks"),
        (Map<String, Object>) m.get("settings"));
    TaskReference task = new TaskReference((String) m.get("task_id"), (String) m.get("task_csv"), (String) m.get("task_target"),
        (Map<String, String>) m.get("task_settings"));
    Object internal = m.get("internal_epochs");
    return new TuningJob(base, task, Resampling.fromMap((Map<?, ?>) m.get("resampling")), (List<String>) m.get("measures"),
        internal == null ? null : ((Number) internal).intValue());
  }

  /**
   * A trial as JSON.
   *
   * @param trial the trial
   * @return the text
   */
  public static String trial(Trial trial) {
    return text(Map.of("number", trial.number(), "values", trial.values()));
  }

  /**
   * Reads a trial.
   *
   * @param text {@link #trial(Trial)}'s text
   * @return the trial
   */
  @SuppressWarnings("unchecked")
  public static Trial trial(String text) {
    Map<String, Object> m = map(text);
    return new Trial(((Number) m.get("number")).intValue(), (Map<String, Object>) m.get("values"));
  }

  /**
   * A result as JSON.
   *
   * @param result the result
   * @return the text
   */
  public static String result(TrialResult result) {
    return text(result.asMap());
  }

  /**
   * Reads a result.
   *
   * @param text {@link #result(TrialResult)}'s text
   * @return the result
   */
  public static TrialResult result(String text) {
    return TrialResult.fromMap(map(text));
  }

  private static String text(Object value) {
    return new String(Json.bytes(Json.tagged(value)), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String text) {
    return (Map<String, Object>) Json.typed(Json.read(text.getBytes(StandardCharsets.UTF_8), Object.class));
  }
}
