package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.BackendProvider;

/** Which setting chooses the engine and device: parameter, property, environment, config, auto. */
class BackendChoiceTest {
  private final Registry<BackendProvider> backends = Platform.builder().build().backends();
  private final Map<String, String> env = new HashMap<>();

  @AfterEach
  void clearProperties() {
    System.clearProperty(BackendChoice.ENGINE_PROPERTY);
    System.clearProperty(BackendChoice.DEVICE_PROPERTY);
  }

  private BackendChoice resolve(Optional<String> engine, Optional<String> device, Map<String, String> config) {
    return BackendChoice.resolve(backends, engine, device, config, env::get);
  }

  @Test
  void autoPicksTheFirstBackendThatLoadsAndTheCpuWithoutAGpu() {
    BackendChoice c = resolve(Optional.empty(), Optional.empty(), Map.of());
    assertEquals("pytorch", c.backend().id());
    assertEquals("default auto: first available", c.engineSource());
    assertEquals("cpu", BackendChoice.deviceName(c.device()));
    assertEquals("default auto: no GPU visible", c.deviceSource());
  }

  @Test
  void eachSourceCanSwapTheEngine() {
    assertEquals("mxnet", resolve(Optional.empty(), Optional.empty(), Map.of("engine", "mxnet")).backend().id());
    env.put(BackendChoice.ENGINE_ENV, "mxnet");
    assertEquals("mxnet", resolve(Optional.empty(), Optional.empty(), Map.of("engine", "pytorch")).backend().id());
    System.setProperty(BackendChoice.ENGINE_PROPERTY, "pytorch");
    assertEquals("pytorch", resolve(Optional.empty(), Optional.empty(), Map.of()).backend().id());
    BackendChoice param = resolve(Optional.of("mxnet"), Optional.empty(), Map.of());
    assertEquals("mxnet", param.backend().id());
    assertEquals("MXNet", param.engine().getEngineName());
  }

  @Test
  void eachSourceOverridesTheOnesBelowIt() {
    Map<String, String> config = Map.of("engine", "pytorch", "device", "cpu");
    assertEquals("config file", resolve(Optional.empty(), Optional.empty(), config).engineSource());
    env.put(BackendChoice.ENGINE_ENV, "pytorch");
    env.put(BackendChoice.DEVICE_ENV, "cpu");
    assertEquals("environment TORCHWORK_ENGINE", resolve(Optional.empty(), Optional.empty(), config).engineSource());
    assertEquals("environment TORCHWORK_DEVICE", resolve(Optional.empty(), Optional.empty(), config).deviceSource());
    System.setProperty(BackendChoice.ENGINE_PROPERTY, "pytorch");
    System.setProperty(BackendChoice.DEVICE_PROPERTY, "cpu");
    assertEquals("system property torchwork.engine", resolve(Optional.empty(), Optional.empty(), config).engineSource());
    assertEquals("system property torchwork.device", resolve(Optional.empty(), Optional.empty(), config).deviceSource());
    BackendChoice top = resolve(Optional.of("pytorch"), Optional.of("cpu"), config);
    assertEquals("learner parameter engine", top.engineSource());
    assertEquals("learner parameter device", top.deviceSource());
  }

  @Test
  void aBadSettingNamesItsSource() {
    env.put(BackendChoice.ENGINE_ENV, "tensorflow");
    TorchworkException e = assertThrows(TorchworkException.class, () -> resolve(Optional.empty(), Optional.empty(), Map.of()));
    assertEquals(
        "Unknown backend 'tensorflow'. Available backends: mxnet, pytorch. (Backends are found on the module path.)", e.getMessage());
    TorchworkException device = assertThrows(TorchworkException.class, () -> resolve(Optional.of("pytorch"), Optional.of("tpu"), Map.of()));
    assertEquals(
        "device 'tpu' (from learner parameter device) is not a device. Use auto, cpu, gpu or gpu:N (N the GPU's index).",
        device.getMessage());
  }

  @Test
  void aGpuThatIsNotThereIsAnErrorThatNamesTheAlternatives() {
    Engine engine = backends.get("pytorch").engine();
    assumeTrue(engine.getGpuCount() == 0, "this machine has a GPU; the no-GPU message cannot be produced here");
    TorchworkException e = assertThrows(TorchworkException.class, () -> resolve(Optional.empty(), Optional.of("gpu:1"), Map.of()));
    assertEquals(
        "device=gpu:1 (from learner parameter device), but the pytorch engine sees no GPU. Use device=auto (GPU when"
            + " available, else CPU) or device=cpu; for a GPU, install the engine's GPU natives (see the README).",
        e.getMessage());
  }
}
