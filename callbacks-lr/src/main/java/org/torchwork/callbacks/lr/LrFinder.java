package org.torchwork.callbacks.lr;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchworkException;
import org.torchwork.callbacks.history.Curves;

/**
 * {@code lr_finder}: a learning-rate range test (Smith 2015; fastai's {@code lr_find}). The run
 * trains for {@code num_steps} batches while the rate grows from {@code start_lr} to
 * {@code end_lr} (geometrically, or linearly with {@code mode=linear}), records each batch's loss,
 * smoothed exponentially ({@code smooth}), and stops early once the smoothed loss exceeds
 * {@code diverge} times its lowest. It then suggests a rate, the one where the smoothed loss falls
 * fastest, prints it, keeps it in its state ({@code suggestion}) and, with {@code plot}, draws the
 * loss against the rate. The network ends with the weights it started with: the test trains a
 * copy of the run, in effect, and tells you what {@code opt.lr} to train with.
 *
 * <pre>
 * bin/torchwork train --task iris --learner classif.mlp --callbacks lr_finder --set epochs=50 \
 *   --set cb.lr_finder.plot=lr.png
 * </pre>
 *
 * <p>State: the rates and smoothed losses recorded, and the suggestion; tensors: the starting
 * weights, so that a resumed test ends with them too (they belong to the run's model, which frees
 * them).
 */
public final class LrFinder extends CallbackSet {
  private static final NDIndex ALL = new NDIndex("...");
  private final double startLr;
  private final double endLr;
  private final int numSteps;
  private final boolean linear;
  private final double beta;
  private final double diverge;
  private final Path plot;
  private final List<Double> lrs = new ArrayList<>();
  private final List<Double> losses = new ArrayList<>();
  private Map<String, NDArray> initial;
  private double average;
  private double best = Double.POSITIVE_INFINITY;
  private boolean done;
  private Double suggestion;

  /**
   * Creates the range test.
   *
   * @param startLr the first rate
   * @param endLr the last rate
   * @param numSteps batches of the test
   * @param mode {@code exp} or {@code linear}
   * @param smooth the weight of each new loss in the smoothed loss, in (0, 1]
   * @param diverge stop once the smoothed loss exceeds this many times its lowest
   * @param plot where to draw the loss against the rate, or null
   */
  public LrFinder(double startLr, double endLr, int numSteps, String mode, double smooth, double diverge, Path plot) {
    this.startLr = startLr;
    this.endLr = endLr;
    this.numSteps = numSteps;
    this.linear = mode.equals("linear");
    this.beta = 1 - smooth;
    this.diverge = diverge;
    this.plot = plot;
  }

  @Override
  public void onBegin(Context ctx) {
    if (!(endLr > startLr)) {
      throw new TorchworkException("cb.lr_finder.end_lr (" + endLr + ") must be above cb.lr_finder.start_lr (" + startLr + ").");
    }
    long available = (long) ctx.totalEpochs() * ctx.batches();
    if (available < numSteps) {
      throw new TorchworkException("lr_finder tests " + numSteps + " batches, but the run has " + ctx.totalEpochs() + " epoch(s) of "
          + ctx.batches() + " batches. Set epochs=" + (numSteps + ctx.batches() - 1) / ctx.batches() + " or more, or lower"
          + " cb.lr_finder.num_steps.");
    }
    if (plot != null) {
      Curves.checkFile(plot);
    }
    // A resumed test has its starting weights back as tensors, and its rate from the checkpoint.
    if (initial == null && !lrs.isEmpty()) {
      throw new TorchworkException("Callback 'lr_finder': the checkpoint resumed from records " + lrs.size() + " batch(es) of"
          + " the range test but not its starting weights (its tensors), so it could not end with them. Run the test again"
          + " from the start.");
    }
    if (initial == null) {
      initial = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : ctx.network().getParameters()) {
        initial.put(p.getKey(), p.getValue().getArray().duplicate());
      }
      ctx.setLearningRate(startLr);
    }
  }

  private double rateAfter(int step) {
    double pct = (double) step / (numSteps - 1);
    return linear ? startLr + (endLr - startLr) * pct : startLr * Math.pow(endLr / startLr, pct);
  }

  @Override
  public void onBatchBegin(Context ctx) {
    if (done) {
      ctx.skipStep();
    }
  }

  @Override
  public void onBatchEnd(Context ctx) {
    if (done) {
      return;
    }
    double loss = ctx.lastLoss();
    int n = lrs.size() + 1;
    average = beta * average + (1 - beta) * loss;
    double smoothed = average / (1 - Math.pow(beta, n));
    lrs.add(ctx.learningRate());
    losses.add(smoothed);
    best = Math.min(best, smoothed);
    if (n >= numSteps || !Double.isFinite(smoothed) || smoothed > diverge * best) {
      done = true;
      ctx.terminate(String.format(Locale.ROOT, "lr_finder: the range test ended after %d batch(es)%s", n,
          n >= numSteps ? "" : ", when the loss diverged"));
      return;
    }
    ctx.setLearningRate(rateAfter(n));
  }

  @Override
  public void onEnd(Context ctx) {
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      p.getValue().getArray().set(ALL, initial.get(p.getKey()));
    }
    suggestion = suggest();
    if (suggestion == null) {
      ctx.out().println("lr_finder: too few batches (" + lrs.size() + ") to suggest a learning rate; raise cb.lr_finder.num_steps"
          + " or lower cb.lr_finder.start_lr.");
    } else {
      ctx.out().println(String.format(Locale.ROOT, "lr_finder: suggested learning rate %.3g (where the loss falls fastest),"
          + " from %d batch(es) between %.3g and %.3g; train with --set opt.lr=%.3g.", suggestion, lrs.size(), lrs.get(0),
          lrs.get(lrs.size() - 1), suggestion));
    }
    if (plot != null && !lrs.isEmpty()) {
      double[] x = lrs.stream().mapToDouble(Double::doubleValue).toArray();
      double[] y = losses.stream().mapToDouble(Double::doubleValue).toArray();
      Curves.write(Curves.line("Learning-rate range test", "learning rate", !linear, "smoothed loss", x, y, suggestion), plot);
      ctx.out().println("lr_finder: drew the loss against the learning rate into " + plot + ".");
    }
  }

  /**
   * The rate where the smoothed loss falls fastest against log(rate): the slope over a window of
   * a tenth of the batches (so that batch-to-batch noise does not pass for a descent), the first
   * and last 10% of batches (the smoothing settling, the divergence) left out.
   */
  private Double suggest() {
    int n = losses.size();
    int half = Math.max(1, n / 20);
    int from = Math.max(half, (int) Math.ceil(n * 0.1));
    int to = Math.min(n - 1 - half, (int) Math.floor(n * 0.9));
    int bestAt = -1;
    double steepest = 0;
    for (int i = from; i <= to; i++) {
      double x0 = linear ? lrs.get(i - half) : Math.log(lrs.get(i - half));
      double x1 = linear ? lrs.get(i + half) : Math.log(lrs.get(i + half));
      double slope = (losses.get(i + half) - losses.get(i - half)) / (x1 - x0);
      if (Double.isFinite(slope) && slope < steepest) {
        steepest = slope;
        bestAt = i;
      }
    }
    return bestAt < 0 ? null : lrs.get(bestAt);
  }


  @Override
  public Map<String, NDArray> tensors() {
    return initial == null ? Map.of() : java.util.Collections.unmodifiableMap(initial);
  }

  @Override
  public void loadTensors(Map<String, NDArray> tensors) {
    initial = new LinkedHashMap<>(tensors);
  }

  @Override
  public Object stateDict() {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("lrs", List.copyOf(lrs));
    state.put("losses", List.copyOf(losses));
    state.put("average", average);
    state.put("best", best);
    state.put("done", done);
    state.put("suggestion", suggestion);
    return state;
  }

  @Override
  public void loadStateDict(Object state) {
    Map<?, ?> map = (Map<?, ?>) state;
    lrs.clear();
    losses.clear();
    ((List<?>) map.get("lrs")).forEach(v -> lrs.add(((Number) v).doubleValue()));
    ((List<?>) map.get("losses")).forEach(v -> losses.add(((Number) v).doubleValue()));
    average = ((Number) map.get("average")).doubleValue();
    best = ((Number) map.get("best")).doubleValue();
    done = (Boolean) map.get("done");
    suggestion = map.get("suggestion") == null ? null : ((Number) map.get("suggestion")).doubleValue();
  }
}
