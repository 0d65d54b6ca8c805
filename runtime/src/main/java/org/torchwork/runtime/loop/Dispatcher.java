package org.torchwork.runtime.loop;

import java.util.List;
import org.torchwork.api.Stage;

/**
 * Runs the stages of a run's callbacks: each stage only for the callbacks that implement it, in
 * their order. The lists are made once per run; a stage allocates nothing.
 */
final class Dispatcher {
  private static final Live[] NONE = new Live[0];
  private final Live[][] byStage = new Live[Stage.values().length][];
  private final LoopContext ctx;

  Dispatcher(List<Live> callbacks, LoopContext ctx) {
    this.ctx = ctx;
    for (Stage stage : Stage.values()) {
      byStage[stage.ordinal()] = callbacks.stream().filter(l -> l.callback().stages().contains(stage)).toArray(Live[]::new);
    }
  }

  /** Runs one stage; a callback's failure propagates as a CallbackException naming it. */
  void dispatch(Stage stage) {
    ctx.stage = stage;
    for (Live live : byStage[stage.ordinal()]) {
      ctx.current = live.id();
      live.call(stage, ctx);
    }
  }

  /** The callbacks that implement a stage, in order. */
  Live[] of(Stage stage) {
    Live[] lives = byStage[stage.ordinal()];
    return lives.length == 0 ? NONE : lives;
  }
}
