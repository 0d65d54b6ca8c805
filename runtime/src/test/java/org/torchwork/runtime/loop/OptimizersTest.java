package org.torchwork.runtime.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The optimizers follow PyTorch's update rules; checked against values computed by hand. */
class OptimizersTest {
  private static final LoopContext.LearningRate LR = new LoopContext.LearningRate();

  @Test
  void adamTakesPyTorchsFirstSteps() {
    LR.set(0.1);
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray w = m.create(new float[] {1f, -2f});
      NDArray g = m.create(new float[] {0.5f, -0.25f});
      Optimizers.Adam adam = new Optimizers.Adam(LR, 0, false);
      adam.stateManager = m;
      adam.update("w", w, g);
      // Step 1: m = 0.1 g, v = 0.001 g^2, bias-corrected m/sqrt(v) = sign(g): w -= lr * sign(g).
      assertArrayEquals(new float[] {0.9f, -1.9f}, w.toFloatArray(), 1e-5f);
      adam.update("w", w, g);
      assertArrayEquals(new float[] {0.8f, -1.8f}, w.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void sgdWithMomentumAccumulates() {
    LR.set(0.1);
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      NDArray w = m.create(new float[] {1f});
      NDArray g = m.create(new float[] {1f});
      Optimizers.Sgd sgd = new Optimizers.Sgd(LR, 0, 0.9f);
      sgd.stateManager = m;
      sgd.update("w", w, g);
      assertArrayEquals(new float[] {0.9f}, w.toFloatArray(), 1e-6f);
      sgd.update("w", w, g);
      // buf = 0.9 * 1 + 1 = 1.9
      assertArrayEquals(new float[] {0.71f}, w.toFloatArray(), 1e-6f);
    }
  }
}
