package org.torchwork.runtime.loop;

import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import java.util.Set;

/**
 * Which networks draw random numbers while they train. The loop seeds the engine per batch for
 * them (so that a run resumed after any batch draws what an uninterrupted one would) where
 * seeding is expensive.
 */
public final class Randomness {
  /** DJL's activation blocks, by name: lambdas known not to draw random numbers. */
  private static final Set<String> ACTIVATIONS =
      Set.of("ReLU", "ReLU6", "sigmoid", "Tanh", "softPlus", "softSign", "LeakyReLU", "ELU", "SELU", "GELU", "Swish", "Mish");

  private Randomness() {}

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
