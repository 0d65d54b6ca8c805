package org.torchwork.runtime.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.torchwork.api.Param;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.TorchLearner;

/**
 * A learner's configuration as plain values: its id, its callbacks' ids and its settings
 * ({@code epochs}, {@code cb.<id>.<param>}, ...). Resampling and tuning build a fresh learner
 * from it for every training, in this process or on a Spark executor ({@link Wire}), so it holds
 * only strings, numbers, booleans and lists.
 *
 * @param learner the learner id, e.g. {@code classif.mlp}
 * @param callbacks the callback ids
 * @param settings the settings, in the order they are set
 */
public record LearnerConfig(String learner, List<String> callbacks, Map<String, Object> settings) {
  /**
   * Copies the lists, so the config cannot change later.
   *
   * @param learner the learner id
   * @param callbacks the callback ids
   * @param settings the settings
   */
  public LearnerConfig {
    Objects.requireNonNull(learner, "learner");
    callbacks = List.copyOf(callbacks);
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * This config with more settings, which replace any of the same key.
   *
   * @param more the settings to add
   * @return the new config
   */
  public LearnerConfig with(Map<String, ?> more) {
    Map<String, Object> all = new LinkedHashMap<>(settings);
    all.putAll(more);
    return new LearnerConfig(learner, callbacks, all);
  }

  /**
   * This config without a setting.
   *
   * @param key the setting
   * @return the new config
   */
  public LearnerConfig without(String key) {
    Map<String, Object> all = new LinkedHashMap<>(settings);
    all.remove(key);
    return new LearnerConfig(learner, callbacks, all);
  }

  /**
   * A new learner with this configuration; the caller closes it.
   *
   * @param platform where ids are resolved
   * @return the learner
   * @throws org.torchwork.api.TorchworkException for an unknown id or a refused value
   */
  public TorchLearner build(Platform platform) {
    TorchLearner l = platform.learner(learner);
    try {
      l.callbacks(callbacks.toArray(String[]::new));
      settings.forEach(l::set);
      return l;
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
  }

  /**
   * The settings as people read them, e.g. {@code epochs=5, opt.lr=0.01}.
   *
   * @param values the settings
   * @return the text
   */
  public static String describe(Map<String, ?> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((k, v) -> parts.add(k + "=" + Param.format(v)));
    return String.join(", ", parts);
  }
}
