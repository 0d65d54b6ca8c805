package org.torchwork.callbacks.tools;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.TorchworkException;

/**
 * Trains only some parameters at first and unfreezes others on a schedule. Parameters are
 * selected by a regular expression over their names (as DJL names them, e.g.
 * {@code 01Linear_weight}). {@code starting_weights} selects the parameters trained from the
 * start; every other parameter is frozen. {@code unfreeze} lists {@code epoch=N:REGEX} or
 * {@code batch=N:REGEX} entries: at the start of epoch N (or global batch N) the parameters
 * matching REGEX start training.
 *
 * <p>State: the names of the parameters unfrozen so far.
 */
public final class Unfreeze extends CallbackSet {
  private static final Pattern ENTRY = Pattern.compile("(epoch|batch)=(\\d+):(.+)");

  private record When(boolean epoch, int at, Pattern select) {}

  private final Pattern starting;
  private final List<When> schedule = new ArrayList<>();
  private final List<String> unfrozen = new ArrayList<>();

  /**
   * Creates the callback.
   *
   * @param startingWeights regular expression of the parameters trained from the start
   * @param unfreeze entries {@code epoch=N:REGEX} or {@code batch=N:REGEX}
   */
  public Unfreeze(String startingWeights, List<String> unfreeze) {
    this.starting = Pattern.compile(startingWeights);
    for (String entry : unfreeze) {
      Matcher m = ENTRY.matcher(entry.trim());
      if (!m.matches()) {
        throw new TorchworkException("Parameter 'cb.unfreeze.unfreeze': '" + entry + "' is not epoch=N:REGEX or"
            + " batch=N:REGEX, e.g. epoch=3:.*Linear.*");
      }
      schedule.add(new When(m.group(1).equals("epoch"), Integer.parseInt(m.group(2)), Pattern.compile(m.group(3))));
    }
  }

  @Override
  public void onBegin(Context ctx) {
    boolean any = false;
    for (Pair<String, Parameter> p : ctx.network().getParameters()) {
      boolean train = starting.matcher(p.getKey()).matches() || unfrozen.contains(p.getKey());
      any |= train;
      p.getValue().freeze(!train);
    }
    if (!any) {
      throw new TorchworkException("Parameter 'cb.unfreeze.starting_weights' (" + starting + ") selects none of the"
          + " network's parameters, so nothing would train. Its parameters: " + names(ctx) + ".");
    }
  }

  @Override
  public void onEpochBegin(Context ctx) {
    apply(ctx, true, ctx.epoch());
  }

  @Override
  public void onBatchBegin(Context ctx) {
    apply(ctx, false, ctx.globalStep());
  }

  private void apply(Context ctx, boolean epoch, int now) {
    for (When w : schedule) {
      if (w.epoch() == epoch && w.at() == now) {
        for (Pair<String, Parameter> p : ctx.network().getParameters()) {
          if (w.select().matcher(p.getKey()).matches() && !unfrozen.contains(p.getKey())) {
            p.getValue().freeze(false);
            unfrozen.add(p.getKey());
          }
        }
      }
    }
  }

  private static List<String> names(Context ctx) {
    List<String> names = new ArrayList<>();
    ctx.network().getParameters().forEach(p -> names.add(p.getKey()));
    return names;
  }

  @Override
  public Object stateDict() {
    return List.copyOf(unfrozen);
  }

  @Override
  public void loadStateDict(Object state) {
    unfrozen.clear();
    for (Object o : (List<?>) state) {
      unfrozen.add(o.toString());
    }
  }
}
