package org.torchwork.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code bin/torchwork} as a user would, timed from outside: the process's wall time and,
 * through {@code /usr/bin/time}, its peak resident memory.
 */
final class Cli {
  /** The repository, where bin/torchwork is; bench/run.sh runs from there. */
  static final Path REPO = Path.of(System.getProperty("torchwork.repo", ".")).toAbsolutePath().normalize();
  private static final Pattern SECONDS = Pattern.compile("\"seconds\"\\s*:\\s*([0-9.eE+-]+)");

  private Cli() {}

  /** What one run of the command measured. */
  record Result(double trainSeconds, double processSeconds, long peakRssMib, String output) {}

  /** Trains the job from its rows written as a CSV file (made once, under bench/target). */
  static Result train(Bench.Job job, String engine, float[] x, int[] y, boolean withCallbacks) throws IOException, InterruptedException {
    Path csv = REPO.resolve("bench/target/" + job.name() + ".csv");
    if (!Files.exists(csv)) {
      Path tmp = Files.createTempFile(csv.getParent(), job.name(), ".tmp");
      Bench.writeCsv(job, x, y, tmp);
      Files.move(tmp, csv, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    StringBuilder neurons = new StringBuilder();
    for (int units : job.hidden()) {
      neurons.append(neurons.length() == 0 ? "" : ",").append(units);
    }
    List<String> args = new ArrayList<>(List.of("train", "--task", csv.toString(), "--target", "y", "--learner", "classif.mlp",
        "--set", "epochs=" + job.epochs(), "--set", "batch_size=" + job.batch(), "--set", "neurons=" + neurons,
        "--set", "dropout=0", "--set", "optimizer=adam", "--set", "opt.lr=0.01", "--set", "seed=1", "--set", "engine=" + engine,
        "--json"));
    if (withCallbacks) {
      args.addAll(List.of("--callbacks", String.join(",", Bench.callbacks(job))));
      if (job.name().equals("tiny")) {
        Path log = Files.createTempFile("bench", ".csv");
        Files.delete(log);
        args.addAll(List.of("--set", "cb.grad_clip.max_norm=1", "--set", "cb.csv_logger.path=" + log));
      }
    }
    Result r = run(args);
    Matcher m = SECONDS.matcher(r.output());
    if (!m.find()) {
      throw new IllegalStateException("bin/torchwork train printed no training time:\n" + r.output());
    }
    return new Result(Double.parseDouble(m.group(1)), r.processSeconds(), r.peakRssMib(), r.output());
  }

  /** Runs bin/torchwork with these arguments; fails unless it exits with 0. */
  static Result run(List<String> args) throws IOException, InterruptedException {
    Path rss = Files.createTempFile("bench-rss", ".txt");
    List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(),
        REPO.resolve("bin/torchwork").toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    long start = System.nanoTime();
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      throw new IllegalStateException("bin/torchwork " + String.join(" ", args) + " exited with " + code + ":\n" + output);
    }
    List<String> lines = Files.readAllLines(rss);
    Files.delete(rss);
    long kib = Long.parseLong(lines.get(lines.size() - 1).trim());
    return new Result(Double.NaN, seconds, kib / 1024, output);
  }
}
