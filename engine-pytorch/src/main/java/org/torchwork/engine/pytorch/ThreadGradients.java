package org.torchwork.engine.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Records gradients on the calling thread only. PyTorch's grad mode belongs to a thread, but
 * DJL's own collector allows one per process, which would keep trainings in parallel threads (a
 * tuning's workers) from ever overlapping. Like DJL's, it does not zero gradients: the loop does.
 * Outside a collector no thread records, as on the thread that loaded the engine.
 */
final class ThreadGradients implements GradientCollector {
  ThreadGradients() {
    JniUtils.setGradMode(true);
  }

  @Override
  public void backward(NDArray target) {
    // The seed of the backward pass: d target / d target, ones shaped like the target.
    NDArray ones = target.onesLike();
    JniUtils.backward((PtNDArray) target, (PtNDArray) ones, false, false);
  }

  /** Not offered: DJL keeps the engine's list of arrays to itself. The loop zeroes its parameters' gradients. */
  @Override
  public void zeroGradients() {
    throw new UnsupportedOperationException("This collector does not zero gradients: zero those of the parameters you train"
        + " (parameter.getArray().getGradient()), as Torchwork's training loop does.");
  }

  /**
   * Stops recording on this thread. PyTorch starts every thread recording; DJL turns it off only
   * on the thread that loads the engine, so a worker thread that kept it on would record a graph
   * for every validation and prediction.
   */
  @Override
  public void close() {
    JniUtils.setGradMode(false);
  }
}
