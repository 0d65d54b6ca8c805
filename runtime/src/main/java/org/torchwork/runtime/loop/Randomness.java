package org.torchwork.runtime.loop;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.engine.Engine;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which networks draw random numbers while they train. The loop seeds the engine per batch for
 * them (so that a run resumed after any batch draws what an uninterrupted one would) where
 * seeding is expensive.
 */
public final class Randomness {
  /** DJL's activation blocks, by name: lambdas known not to draw random numbers. */
  private static final Set<String> ACTIVATIONS =
      Set.of("ReLU", "ReLU6", "sigmoid", "Tanh", "softPlus", "softSign", "LeakyReLU", "ELU", "SELU", "GELU", "Swish", "Mish");

  /**
   * The engine's generator is one per process: runs training in parallel threads (a tuning's
   * workers) take turns to seed it and draw from it, so that each draws what it would alone.
   */
  private static final ReentrantLock GENERATOR = new ReentrantLock();

  private Randomness() {}

  /**
   * Seeds the engine's generator and keeps it for this thread until {@link #release()}.
   *
   * @param engine the engine
   * @param seed the seed
   */
  static void seedAndHold(Engine engine, int seed) {
    GENERATOR.lock();
    try {
      engine.setRandomSeed(seed);
    } catch (RuntimeException e) {
      GENERATOR.unlock();
      throw e;
    }
  }

  /** Seeds the engine per batch, before the forward pass; {@link #release()} after it. */
  static final class PerBatch {
    private final Engine engine;
    private final boolean draws;

    private PerBatch(Engine engine, boolean draws) {
      this.engine = engine;
      this.draws = draws;
    }

    /**
     * Seeds the generator. A network that draws random numbers keeps it until the forward pass
     * is done (released by {@link #release()}), so that runs in parallel threads each draw what
     * they would alone; for others the generator is held only while it is seeded.
     */
    void seed(int seed) {
      seedAndHold(engine, seed);
      if (!draws) {
        release();
      }
    }
  }

  /**
   * How a run seeds the engine per batch. A seed per batch costs PyTorch one native call, so it
   * is always set there (callbacks may draw random numbers too); MXNet's waits for all pending
   * work, about a millisecond, so there only networks that draw random numbers are seeded.
   *
   * @param engine the engine
   * @param block the network
   * @param mxnet whether the engine is MXNet
   * @return the seeding, or null for none
   */
  static PerBatch perBatch(Engine engine, Block block, boolean mxnet) {
    boolean draws = drawsRandomNumbers(block);
    return !mxnet || draws ? new PerBatch(engine, draws) : null;
  }

  /** Lets other threads use the engine's generator; does nothing when this thread does not hold it. */
  static void release() {
    while (GENERATOR.isHeldByCurrentThread()) {
      GENERATOR.unlock();
    }
  }

  /**
   * Whether a network may draw random numbers while training: true unless every block in it is
   * one known to be deterministic (a dropout layer, a lambda other than DJL's activations, or an
   * unknown block counts as random).
   *
   * @param block the network
   * @return whether it may draw random numbers
   */
  public static boolean drawsRandomNumbers(Block block) {
    if (block instanceof SequentialBlock || block instanceof ParallelBlock) {
      return block.getChildren().values().stream().anyMatch(Randomness::drawsRandomNumbers);
    }
    if (block instanceof LambdaBlock) {
      return !ACTIVATIONS.contains(((LambdaBlock) block).getName());
    }
    return !(block instanceof Linear || block instanceof BatchNorm || block instanceof LayerNorm);
  }
}
