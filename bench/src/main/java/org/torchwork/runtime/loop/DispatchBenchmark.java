package org.torchwork.runtime.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Stage;

/**
 * The loop's stage dispatch, as the loop runs it per training step: on_batch_begin,
 * on_after_backward and on_batch_end, to 1, 10 or 100 callbacks of four classes that read the
 * context. One operation is one step; per stage per callback is the score divided by
 * {@code 3 * callbacks}. Run with {@code -prof gc} for the bytes allocated per step. In this
 * package because the dispatcher and the context are the loop's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {
  /** How many callbacks the run has. */
  @Param({"1", "10", "100"})
  public int callbacks;

  private Dispatcher dispatcher;
  private LoopContext ctx;

  /** Counts batches. */
  public static final class Counts extends CallbackSet {
    long n;

    @Override
    public void onBatchBegin(Context ctx) {
      n++;
    }

    @Override
    public void onAfterBackward(Context ctx) {
      n++;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      n++;
    }
  }

  /** Reads the step. */
  public static final class Steps extends CallbackSet {
    long sum;

    @Override
    public void onBatchBegin(Context ctx) {
      sum += ctx.step();
    }

    @Override
    public void onAfterBackward(Context ctx) {
      sum += ctx.globalStep();
    }

    @Override
    public void onBatchEnd(Context ctx) {
      sum += ctx.epoch();
    }
  }

  /** Reads the stage. */
  public static final class Stages extends CallbackSet {
    int last;

    @Override
    public void onBatchBegin(Context ctx) {
      last = ctx.stage().ordinal();
    }

    @Override
    public void onAfterBackward(Context ctx) {
      last += ctx.stage().ordinal();
    }

    @Override
    public void onBatchEnd(Context ctx) {
      last -= ctx.stage().ordinal();
    }
  }

  /** Implements only on_batch_end. */
  public static final class Ends extends CallbackSet {
    long n;

    @Override
    public void onBatchEnd(Context ctx) {
      n += ctx.totalEpochs();
    }
  }

  /** Builds the run's callbacks and dispatcher. */
  @Setup
  public void setUp() {
    ctx = new LoopContext();
    ctx.totalEpochs = 10;
    List<Live> lives = new ArrayList<>();
    for (int i = 0; i < callbacks; i++) {
      CallbackSet cb;
      switch (i % 4) {
        case 0:
          cb = new Counts();
          break;
        case 1:
          cb = new Steps();
          break;
        case 2:
          cb = new Stages();
          break;
        default:
          cb = new Ends();
      }
      lives.add(new Live("cb" + i, cb));
    }
    dispatcher = new Dispatcher(lives, ctx);
  }

  /**
   * One training step's batch stages.
   *
   * @param blackhole keeps the context live
   */
  @Benchmark
  public void step(Blackhole blackhole) {
    ctx.step++;
    ctx.globalStep++;
    dispatcher.dispatch(Stage.ON_BATCH_BEGIN);
    dispatcher.dispatch(Stage.ON_AFTER_BACKWARD);
    dispatcher.dispatch(Stage.ON_BATCH_END);
    blackhole.consume(ctx.step);
  }
}
