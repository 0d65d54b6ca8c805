package org.torchwork.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.BackendProvider;

/**
 * The engine and device a run uses, and which source chose each.
 *
 * <p>Each is taken from, highest first: the learner parameter ({@code engine}, {@code device};
 * the CLI's {@code --engine}/{@code --device} set these), the system property
 * ({@code torchwork.engine}, {@code torchwork.device}), the environment
 * ({@code TORCHWORK_ENGINE}, {@code TORCHWORK_DEVICE}), the run's config file, then {@code auto}.
 * {@code auto} engine is the first backend whose natives load, by priority (pytorch, then mxnet);
 * {@code auto} device is the first GPU when the engine sees one, else the CPU.
 *
 * @param backend the backend chosen
 * @param engine its loaded DJL engine
 * @param device the device
 * @param engineSource which source set the engine, e.g. {@code "learner parameter engine"}
 * @param deviceSource which source set the device, and why when it was {@code auto}
 */
public record BackendChoice(BackendProvider backend, Engine engine, Device device, String engineSource, String deviceSource) {

  /** System property naming the engine. */
  public static final String ENGINE_PROPERTY = "torchwork.engine";
  /** System property naming the device. */
  public static final String DEVICE_PROPERTY = "torchwork.device";
  /** Environment variable naming the engine. */
  public static final String ENGINE_ENV = "TORCHWORK_ENGINE";
  /** Environment variable naming the device. */
  public static final String DEVICE_ENV = "TORCHWORK_DEVICE";

  /** What to install for each backend Torchwork ships, for the message when one is missing. */
  private static final Map<String, String> MODULES =
      Map.of(
          "pytorch",
          "the module org.torchwork.engine.pytorch (torchwork-engine-pytorch.jar, with pytorch-engine-0.36.0.jar) and put"
              + " pytorch-native-cpu-2.7.1-linux-x86_64.jar and pytorch-jni-2.7.1-0.36.0.jar on the class path",
          "mxnet",
          "the module org.torchwork.engine.mxnet (torchwork-engine-mxnet.jar, with mxnet-engine-0.36.0.jar) and put"
              + " mxnet-native-mkl-1.9.1-linux-x86_64.jar on the class path");

  /**
   * One line for users: what was chosen and why.
   *
   * @return for example {@code "engine pytorch (PyTorch 2.7.1, from auto: first available), device cpu (from auto: no GPU visible)"}
   */
  public String describe() {
    return "engine " + backend.id() + " (" + engine.getEngineName() + " " + engine.getVersion() + ", from "
        + engineSource + "), device " + deviceName(device) + " (from " + deviceSource + ")";
  }

  /**
   * A device as users write it.
   *
   * @param device the device
   * @return {@code cpu} or {@code gpu:N}
   */
  public static String deviceName(Device device) {
    return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
  }

  /**
   * Resolves the engine and device.
   *
   * @param backends the registered backends
   * @param engineParam the learner's {@code engine} parameter, if set
   * @param deviceParam the learner's {@code device} parameter, if set
   * @param config values from the run's config file ({@code engine}, {@code device}), possibly empty
   * @param env the environment (a parameter so tests can supply their own)
   * @return the choice
   * @throws TorchworkException when the engine is unknown or cannot load, or the device is not
   *     available
   */
  static BackendChoice resolve(
      Registry<BackendProvider> backends,
      Optional<String> engineParam,
      Optional<String> deviceParam,
      Map<String, String> config,
      Function<String, String> env) {
    return resolve(backends, engineParam, deviceParam, "learner parameter %s", config, "config file", env);
  }

  /**
   * Resolves the engine and device, with defaults below the environment from another source than
   * a config file (a saved model's engine, for example).
   *
   * @param backends the registered backends
   * @param engineParam the engine asked for, if any
   * @param deviceParam the device asked for, if any
   * @param askedSource how messages name where those came from, with {@code %s} for
   *     {@code engine} or {@code device}, e.g. {@code "the %s asked for"}
   * @param defaults the lowest-ranking values ({@code engine}, {@code device}), possibly empty
   * @param defaultsSource how messages name where the defaults came from
   * @param env the environment
   * @return the choice
   */
  static BackendChoice resolve(
      Registry<BackendProvider> backends,
      Optional<String> engineParam,
      Optional<String> deviceParam,
      String askedSource,
      Map<String, String> defaults,
      String defaultsSource,
      Function<String, String> env) {
    Setting engine = setting("engine", engineParam, askedSource, ENGINE_PROPERTY, ENGINE_ENV, defaults, defaultsSource, env);
    Setting device = setting("device", deviceParam, askedSource, DEVICE_PROPERTY, DEVICE_ENV, defaults, defaultsSource, env);
    BackendProvider backend;
    Engine loaded;
    String engineSource;
    if (engine.value.equals("auto")) {
      List<BackendProvider> ordered = new ArrayList<>();
      backends.entries().forEach(e -> ordered.add(e.value()));
      ordered.sort(Comparator.comparingInt(BackendProvider::priority).thenComparing(BackendProvider::id));
      if (ordered.isEmpty()) {
        throw new TorchworkException(
            "No training backend is installed. Add a backend module to the module path, e.g."
                + " torchwork-engine-pytorch (with its native jars on the class path).");
      }
      List<String> failures = new ArrayList<>();
      backend = null;
      loaded = null;
      for (BackendProvider candidate : ordered) {
        try {
          loaded = candidate.engine();
          backend = candidate;
          break;
        } catch (RuntimeException e) {
          failures.add(candidate.id() + ": " + e.getMessage());
        }
      }
      if (backend == null) {
        throw new TorchworkException("No backend could be loaded (engine=auto). " + String.join(" ", failures));
      }
      engineSource = engine.source + (failures.isEmpty() ? ": first available" : ": first that loaded; " + String.join("; ", failures));
    } else {
      if (backends.find(engine.value).isEmpty() && MODULES.containsKey(engine.value)) {
        throw new TorchworkException(
            "Backend '" + engine.value + "' (from " + engine.source + ") is not installed: its module is not on the module"
                + " path. Add " + MODULES.get(engine.value) + ", or choose an installed backend: "
                + String.join(", ", backends.ids()) + ".");
      }
      backend = backends.get(engine.value);
      loaded = backend.engine();
      engineSource = engine.source;
    }
    Device chosen;
    String deviceSource;
    int gpus = loaded.getGpuCount();
    String d = device.value.toLowerCase(Locale.ROOT);
    if (d.equals("auto")) {
      chosen = gpus > 0 ? Device.gpu(0) : Device.cpu();
      deviceSource = device.source + (gpus > 0 ? ": " + gpus + " GPU(s) visible" : ": no GPU visible");
    } else if (d.equals("cpu")) {
      chosen = Device.cpu();
      deviceSource = device.source;
    } else if (d.equals("gpu") || d.matches("gpu:\\d+")) {
      int index = d.equals("gpu") ? 0 : Integer.parseInt(d.substring(4));
      if (gpus == 0) {
        throw new TorchworkException(
            "device=" + device.value + " (from " + device.source + "), but the " + backend.id()
                + " engine sees no GPU. Use device=auto (GPU when available, else CPU) or device=cpu; for a GPU,"
                + " install the engine's GPU natives (see the README).");
      }
      if (index >= gpus) {
        throw new TorchworkException(
            "device=" + device.value + " (from " + device.source + "), but the " + backend.id() + " engine sees "
                + gpus + " GPU(s), numbered 0 to " + (gpus - 1) + ". Use one of those, or device=auto.");
      }
      chosen = Device.gpu(index);
      deviceSource = device.source;
    } else {
      throw new TorchworkException(
          "device '" + device.value + "' (from " + device.source + ") is not a device. Use auto, cpu, gpu or gpu:N"
              + " (N the GPU's index).");
    }
    return new BackendChoice(backend, loaded, chosen, engineSource, deviceSource);
  }

  private record Setting(String value, String source) {}

  private static Setting setting(String name, Optional<String> param, String paramSource, String property, String envName,
      Map<String, String> config, String configSource, Function<String, String> env) {
    if (param.isPresent()) {
      return new Setting(param.get().trim(), String.format(paramSource, name));
    }
    String prop = System.getProperty(property);
    if (prop != null && !prop.isBlank()) {
      return new Setting(prop.trim(), "system property " + property);
    }
    String fromEnv = env.apply(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Setting(fromEnv.trim(), "environment " + envName);
    }
    String fromConfig = config.get(name);
    if (fromConfig != null && !fromConfig.isBlank()) {
      return new Setting(fromConfig.trim(), configSource);
    }
    return new Setting("auto", "default auto");
  }
}
