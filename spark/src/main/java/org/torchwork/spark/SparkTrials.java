package org.torchwork.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.torchwork.api.TorchworkException;
import org.torchwork.runtime.Platform;
import org.torchwork.runtime.tune.Trial;
import org.torchwork.runtime.tune.TrialExecutor;
import org.torchwork.runtime.tune.TrialResult;
import org.torchwork.runtime.tune.Tuning;
import org.torchwork.runtime.tune.TuningJob;
import org.torchwork.runtime.tune.Wire;

/**
 * Runs a tuning's trials as Spark tasks, one Spark job per trial, as many at once as the cluster
 * has task slots. A trial whose training fails is retried by Spark ({@code spark.task.maxFailures}
 * times in all; {@code local[N]} is run as {@code local[N,2]}, one retry) and then reported as a
 * failed trial with Spark's reason.
 *
 * <p>Each executor loads the engines offline from the natives on its class path and resolves ids
 * in its own platform, built once per executor process from the plugins directory in
 * {@code TORCHWORK_PLUGINS} (sent to the executors' environment from the driver's, where not set
 * in the Spark configuration). In {@code local} mode the executors share the driver's platform.
 */
public final class SparkTrials implements TrialExecutor {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)]");
  private static volatile Platform shared;

  private final JavaSparkContext spark;
  private final String master;
  private final ExecutorService waiting = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "torchwork-spark-trial");
    t.setDaemon(true);
    return t;
  });

  /**
   * Starts a Spark context.
   *
   * @param master the master URL, e.g. {@code local[2]} or {@code spark://host:7077}
   * @param platform the driver's platform
   */
  public SparkTrials(String master, Platform platform) {
    this.master = master;
    Matcher local = LOCAL.matcher(master);
    SparkConf conf = new SparkConf()
        .setMaster(local.matches() ? "local[" + local.group(1) + ",2]" : master)
        .setAppName("torchwork tune")
        .setIfMissing("spark.ui.enabled", "false")
        .setIfMissing("spark.task.maxFailures", "2");
    platform.pluginsDir().ifPresent(dir -> conf.setIfMissing("spark.executorEnv.TORCHWORK_PLUGINS", dir.toString()));
    String allowlist = System.getenv("TORCHWORK_PLUGIN_ALLOWLIST");
    if (allowlist != null && !allowlist.isBlank()) {
      conf.setIfMissing("spark.executorEnv.TORCHWORK_PLUGIN_ALLOWLIST", allowlist);
    }
    shared = platform;
    try {
      this.spark = new JavaSparkContext(conf);
    } catch (RuntimeException e) {
      throw new TorchworkException("Spark could not start with master '" + master + "': " + Tuning.message(e) + ". Check the master"
          + " URL (local[2], spark://host:7077, yarn, k8s://...) and that the cluster is reachable.", e);
    }
    spark.setLogLevel("WARN");
  }

  /** The cluster's task slots now: executors that register later add theirs. */
  @Override
  public int slots() {
    return Math.max(1, spark.sc().defaultParallelism());
  }

  @Override
  public CompletableFuture<TrialResult> submit(TuningJob job, Trial trial) {
    long started = System.nanoTime();
    spark.setJobDescription("torchwork trial " + trial.number());
    // Jobs, trials and results travel as JSON text, never as Java objects.
    JavaFutureAction<List<String>> action;
    try {
      action = spark.parallelize(List.of(Wire.trial(trial)), 1).map(new RunTrial(Wire.job(job))).collectAsync();
    } catch (RuntimeException e) {
      throw new TorchworkException("Spark at " + master + " stopped (" + Tuning.message(e) + "), so trial " + trial.number()
          + " cannot start. Check that the master is reachable and has workers (the trials finished so far are recorded;"
          + " the same command goes on), or run the trials here with --workers N.", e);
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Wire.result(action.get().get(0));
      } catch (ExecutionException e) {
        String why = e.getCause() == null ? String.valueOf(e) : String.valueOf(e.getCause().getMessage());
        return TrialResult.failed(trial, (System.nanoTime() - started) / 1e9, "failed on Spark: " + firstLines(why));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        action.cancel(true);
        return TrialResult.failed(trial, (System.nanoTime() - started) / 1e9, "interrupted while waiting for Spark");
      }
    }, waiting);
  }

  /** Spark's reason without the executor's stack trace. */
  private static String firstLines(String why) {
    StringBuilder sb = new StringBuilder();
    for (String line : why.split("\n")) {
      if (line.startsWith("\tat ") || line.startsWith("Driver stacktrace")) {
        break;
      }
      sb.append(sb.length() == 0 ? "" : " ").append(line.trim());
    }
    return sb.toString();
  }

  @Override
  public String describe() {
    int slots = slots();
    return "Spark at " + master + " (" + slots + " task slot" + (slots == 1 ? "" : "s") + " now, Spark " + spark.version() + ")";
  }

  @Override
  public void close() {
    waiting.shutdownNow();
    spark.stop();
  }

  /** The platform of this process: the driver's in local mode, else one built from TORCHWORK_PLUGINS. */
  static Platform platform() {
    Platform p = shared;
    if (p != null) {
      return p;
    }
    synchronized (SparkTrials.class) {
      if (shared == null) {
        Platform.Builder b = Platform.builder();
        String dir = System.getenv("TORCHWORK_PLUGINS");
        if (dir != null && !dir.isBlank()) {
          b.pluginsDir(Path.of(dir));
        }
        String allow = System.getenv("TORCHWORK_PLUGIN_ALLOWLIST");
        if (allow != null && !allow.isBlank()) {
          b.pluginAllowlist(Path.of(allow));
        }
        shared = b.build();
      }
      return shared;
    }
  }

  /** The task: one trial, on an executor. A failure is thrown, so that Spark retries it. */
  static final class RunTrial implements Function<String, String> {
    private static final long serialVersionUID = 1L;
    private final String job;

    RunTrial(String job) {
      this.job = job;
    }

    @Override
    public String call(String trial) {
      System.setProperty("ai.djl.offline", "true");
      return Wire.result(Wire.job(job).attempt(platform(), Wire.trial(trial)));
    }
  }
}
