package org.torchwork.examples.customlogger;

import java.util.Locale;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/**
 * Keeps an exponential moving average of the training loss and prints it before validation,
 * every epoch: {@code Epoch <n>: <average>}.
 *
 * <p>The vignette this comes from tests a field it never sets and reads the loss from the wrong
 * object, so it prints the last batch's loss; this one computes the real average:
 * {@code avg = alpha * loss + (1 - alpha) * avg}, starting from the first batch's loss.
 */
public final class CustomLogger extends CallbackSet {
  private final double alpha;
  private Double movingLoss;

  /**
   * Creates the logger.
   *
   * @param alpha the smoothing factor, between 0 and 1: the weight of the newest loss
   */
  public CustomLogger(double alpha) {
    this.alpha = alpha;
  }

  @Override
  public void onBatchEnd(Context ctx) {
    double loss = ctx.lastLoss();
    movingLoss = movingLoss == null ? loss : alpha * loss + (1 - alpha) * movingLoss;
  }

  @Override
  public void onBeforeValid(Context ctx) {
    ctx.out().println(String.format(Locale.ROOT, "Epoch %d: %.2f", ctx.epoch(), movingLoss));
  }

  @Override
  public Object stateDict() {
    return movingLoss;
  }

  @Override
  public void loadStateDict(Object state) {
    movingLoss = ((Number) state).doubleValue();
  }
}
