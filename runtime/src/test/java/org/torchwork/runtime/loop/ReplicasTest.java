package org.torchwork.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;

class ReplicasTest {
  private static final Engine PYTORCH = Platform.builder().build().backends().get("pytorch").engine();

  @Test
  void onTheCpuEveryPartRunsThere() {
    assertArrayEquals(new Device[] {Device.cpu(), Device.cpu(), Device.cpu()}, Replicas.devices(PYTORCH, Device.cpu(), 3));
    assertEquals(1, Replicas.devices(PYTORCH, Device.cpu(), 1).length);
  }

  @Test
  void moreGpusThanTheEngineSeesAreRefusedSayingHowMany() {
    int gpus = PYTORCH.getGpuCount();
    TorchworkException e = assertThrows(TorchworkException.class, () -> Replicas.devices(PYTORCH, Device.gpu(0), gpus + 1));
    assertEquals("Learner parameter devices=" + (gpus + 1) + " asks for " + (gpus + 1) + " GPUs, but the PyTorch engine sees "
        + gpus + ". Set devices to " + gpus + " or fewer, or device=cpu to run the same split on the CPU.", e.getMessage());
  }
}
