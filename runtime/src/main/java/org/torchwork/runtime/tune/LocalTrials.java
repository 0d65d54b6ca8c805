package org.torchwork.runtime.tune;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.torchwork.runtime.Platform;

/**
 * Runs trials on this machine, in worker threads of this process. With {@code devices} (e.g.
 * {@code gpu:0, gpu:1}), each worker trains on its own device, one trial per GPU; otherwise the
 * trials use the run's device. A failed trial is reported as failed, with its error.
 *
 * <p>Workers share the machine's cores: set the engine's threads per worker first (see
 * {@link Tuning#engineThreads(int)}), or they oversubscribe the cores.
 */
public final class LocalTrials implements TrialExecutor {
  private final Platform platform;
  private final int workers;
  private final ExecutorService pool;
  private final LinkedBlockingQueue<String> devices = new LinkedBlockingQueue<>();

  /**
   * Starts the workers.
   *
   * @param platform where ids are resolved
   * @param workers how many trials run at once, at least 1
   * @param devices a device for each worker (as many as workers), or empty for the run's device
   */
  public LocalTrials(Platform platform, int workers, List<String> devices) {
    if (workers < 1) {
      throw new org.torchwork.api.TorchworkException("--workers must be at least 1, not " + workers + ".");
    }
    this.platform = platform;
    this.workers = workers;
    this.devices.addAll(devices);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "torchwork-trial-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public int slots() {
    return workers;
  }

  @Override
  public CompletableFuture<TrialResult> submit(TuningJob job, Trial trial) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      String device = devices.poll();
      try {
        TuningJob onDevice = device == null ? job
            : new TuningJob(job.base().with(Map.of("device", device)), job.task(), job.resampling(), job.measures(), job.internalEpochs());
        return onDevice.attempt(platform, trial);
      } catch (RuntimeException e) {
        return TrialResult.failed(trial, (System.nanoTime() - started) / 1e9, Tuning.message(e));
      } finally {
        if (device != null) {
          devices.add(device);
        }
      }
    }, pool);
  }

  @Override
  public String describe() {
    return workers + (workers == 1 ? " worker" : " workers") + " on this machine";
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
