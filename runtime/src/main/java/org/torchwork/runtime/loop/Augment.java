package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import java.util.SplittableRandom;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TorchworkException;

/**
 * Random changes to the images of a training batch, as torchvision's {@code RandomCrop(padding=p)}
 * and {@code RandomHorizontalFlip()} make them: each image flipped left to right with probability
 * one half ({@code augment_flip}), and cut at a random place from the image padded with
 * {@code augment_crop} zeros on every side. The draws come from the run's seed and the batch's
 * number alone, so a run resumed in the middle of an epoch changes its images as an uninterrupted
 * one does. Validation and prediction see the images as they are.
 *
 * <p>The batch is changed on the host: one copy from the engine and one back per batch, whatever
 * its size, on every engine alike.
 */
public final class Augment {
  private final boolean flip;
  private final int pad;

  private Augment(boolean flip, int pad) {
    this.flip = flip;
    this.pad = pad;
  }

  /**
   * The augmentation a run's parameters ask for.
   *
   * @param p the learner's parameters
   * @param dims the shape of one row
   * @return the augmentation, or null when none is asked for
   * @throws TorchworkException when the rows are not images
   */
  public static Augment of(ParamValues p, int[] dims) {
    boolean flip = p.getBoolean("augment_flip");
    int pad = p.getInt("augment_crop");
    if (!flip && pad == 0) {
      return null;
    }
    if (dims.length != 3) {
      throw new TorchworkException((flip ? "augment_flip" : "augment_crop") + " changes images, but the task's rows are "
          + (dims.length == 1 ? "flat (" + dims[0] + " features)" : "of shape " + java.util.Arrays.toString(dims)) + ". Use it with"
          + " images (rows of shape C x H x W: an IDX file, an image folder), or remove it.");
    }
    return new Augment(flip, pad);
  }

  /**
   * The batch with its images changed.
   *
   * @param batch the training batch
   * @param manager the batch's manager
   * @param seed the run's seed
   * @param globalStep the batch's number in the run
   * @return a batch of the changed images and the same labels
   */
  Batch apply(Batch batch, NDManager manager, int seed, long globalStep) {
    NDArray x = batch.getData().head();
    long[] shape = x.getShape().getShape();
    int n = (int) shape[0];
    int c = (int) shape[1];
    int h = (int) shape[2];
    int w = (int) shape[3];
    float[] in = x.toFloatArray();
    float[] out = new float[in.length];
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + globalStep);
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      boolean mirror = flip && random.nextBoolean();
      int dy = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
      int dx = pad > 0 ? random.nextInt(2 * pad + 1) - pad : 0;
      int base = i * c * plane;
      for (int ch = 0; ch < c; ch++) {
        int at = base + ch * plane;
        for (int row = 0; row < h; row++) {
          int sy = row + dy;
          for (int col = 0; col < w; col++) {
            int sx = (mirror ? w - 1 - col : col) + dx;
            out[at + row * w + col] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : in[at + sy * w + sx];
          }
        }
      }
    }
    NDArray changed = manager.create(out, x.getShape()).toDevice(x.getDevice(), false);
    changed.attach(manager);
    return new Batch(manager, new NDList(changed), batch.getLabels(), batch.getSize(), Batchifier.STACK, Batchifier.STACK,
        batch.getProgress(), batch.getProgressTotal());
  }
}
