package org.torchwork.runtime.loop;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

/** One epoch's batches of a task's rows, in the epoch's order: cut from rows on the engine, or read from a file. */
interface EpochBatches extends AutoCloseable {
  /** The number of batches. */
  int count();

  /** Batch {@code index} (from 0); its arrays belong to {@code batchManager}. */
  Batch get(NDManager batchManager, int index);

  /** The weight of batch {@code index}: its rows, or the sum of their weights. */
  double weight(int index);

  /** The targets of batch {@code index}, as the measures score them. */
  float[] truth(int index);

  @Override
  void close();
}
