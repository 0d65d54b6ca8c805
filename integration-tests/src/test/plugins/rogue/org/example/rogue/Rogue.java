package org.example.rogue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;

/** Misbehaves on request: throws an exception or an error in one stage, or keeps a state no one can save. */
public final class Rogue extends CallbackSet {
  private final String at;
  private final String doing;
  private final String state;

  public Rogue(String at, String doing, String state) {
    this.at = at;
    this.doing = doing;
    this.state = state;
  }

  private void maybe(Context ctx) {
    if (!ctx.stage().id().equals(at)) {
      return;
    }
    switch (doing) {
      case "exception": throw new IllegalStateException("rogue fails in " + at);
      case "stack_overflow": recurse(0); break;
      case "out_of_memory": {
        List<long[]> hog = new ArrayList<>();
        while (true) {
          hog.add(new long[1 << 24]);
        }
      }
      case "internal_error": throw new InternalError("rogue's internal error");
      case "exit": System.exit(7); break;
      case "halt": Runtime.getRuntime().halt(9); break;
      case "interrupt_self": ctx.terminate(); break;
      default: break;
    }
  }

  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  @Override public void onBegin(Context ctx) { maybe(ctx); }
  @Override public void onEpochBegin(Context ctx) { maybe(ctx); }
  @Override public void onBatchBegin(Context ctx) { maybe(ctx); }
  @Override public void onAfterBackward(Context ctx) { maybe(ctx); }
  @Override public void onBatchEnd(Context ctx) { maybe(ctx); }
  @Override public void onBeforeValid(Context ctx) { maybe(ctx); }
  @Override public void onBatchValidBegin(Context ctx) { maybe(ctx); }
  @Override public void onBatchValidEnd(Context ctx) { maybe(ctx); }
  @Override public void onValidEnd(Context ctx) { maybe(ctx); }
  @Override public void onEpochEnd(Context ctx) { maybe(ctx); }
  @Override public void onEnd(Context ctx) { maybe(ctx); }
  @Override public void onExit(Context ctx) { maybe(ctx); }

  @Override
  public Object stateDict() {
    switch (state) {
      case "cyclic": {
        Map<String, Object> a = new HashMap<>();
        a.put("self", a);
        return a;
      }
      case "deep": {
        Object deep = "bottom";
        for (int i = 0; i < 100_000; i++) {
          deep = List.of(deep);
        }
        return deep;
      }
      case "null_key": {
        Map<String, Object> m = new HashMap<>();
        m.put(null, 1);
        return m;
      }
      case "big_integer": return Map.of("count", new BigInteger("123456789012345678901234567890"));
      case "huge": return "x".repeat(50_000_000);
      default: return null;
    }
  }
}
