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
