package org.torchwork.runtime.loop;

/**
 * The random numbers that order the training rows (SplitMix64). Unlike {@link java.util.Random}
 * its whole state is one {@code long}, which a checkpoint saves, so a resumed run shuffles
 * exactly as an uninterrupted one.
 */
final class ShuffleRandom {
  private long state;

  ShuffleRandom(long seed) {
    this.state = seed;
  }

  long state() {
    return state;
  }

  void restore(long saved) {
    this.state = saved;
  }

  private long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform integer in [0, bound). */
  int nextInt(int bound) {
    return (int) Math.floorMod(nextLong(), (long) bound);
  }

  /** Shuffles in place (Fisher-Yates). */
  void shuffle(int[] order) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
