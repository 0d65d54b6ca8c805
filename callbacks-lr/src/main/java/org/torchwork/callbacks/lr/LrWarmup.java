package org.torchwork.callbacks.lr;

/**
 * {@code lr_warmup}: only a warm-up ({@code warmup_steps}, {@code warmup_method},
 * {@code warmup_factor}), then the base rate. Every other schedule takes the same warm-up
 * parameters, so a warm-up followed by a schedule is that schedule with {@code warmup_steps} set.
 */
public final class LrWarmup extends LrSchedule {
  /**
   * Creates the warm-up.
   *
   * @param stepping how it steps, and the warm-up itself
   */
  public LrWarmup(Stepping stepping) {
    super(stepping);
  }

  @Override
  protected double rate(long t) {
    return baseLr;
  }
}
