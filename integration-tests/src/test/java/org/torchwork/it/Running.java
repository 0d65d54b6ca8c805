package org.torchwork.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code bin/torchwork} running in the background, so that a test can wait for what it prints
 * and then signal it, as a user at a terminal would.
 */
final class Running implements AutoCloseable {
  private static final String DONE = "\u0000done";
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder out = new StringBuilder();
  private final CompletableFuture<String> err;
  private final CountDownLatch ended = new CountDownLatch(1);

  private Running(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (out) {
            out.append(line).append('\n');
          }
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
      lines.add(DONE);
      ended.countDown();
    }, "running-stdout");
    reader.setDaemon(true);
    reader.start();
    this.err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
  }

  /** Starts {@code bin/torchwork} with a plugins directory. */
  static Running torchwork(java.nio.file.Path plugins, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Dist.REPO.resolve("bin/torchwork").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(Dist.REPO.toFile());
    pb.environment().remove("TORCHWORK_ENGINE");
    pb.environment().remove("TORCHWORK_DEVICE");
    pb.environment().put("TORCHWORK_PLUGINS", plugins.toString());
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return new Running(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the process prints a line that matches, or ends.
   *
   * @return the line
   * @throws AssertionError when the process ends first, or prints no such line in five minutes
   */
  String awaitLine(Predicate<String> wanted) {
    try {
      while (true) {
        String line = lines.poll(5, TimeUnit.MINUTES);
        if (line == null || line.equals(DONE)) {
          throw new AssertionError("no such line before the process " + (line == null ? "timed out" : "ended") + ":\n" + out
              + "--- stderr\n" + (line == null ? "" : err.join()));
        }
        if (wanted.test(line)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends a signal, e.g. {@code INT}, {@code TERM} or {@code KILL}. A process started with
   * SIGINT ignored (the tests run as a background job of a non-interactive shell, {@code cmd &})
   * keeps it ignored, as the JVM does: the test is then skipped, saying why, not failed.
   */
  void signal(String name) {
    if (name.equals("INT")) {
      try {
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/status"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SigIgn:\\s*([0-9a-f]+)").matcher(status);
        if (m.find() && (Long.parseLong(m.group(1), 16) & 0x2) != 0) {
          org.junit.jupiter.api.Assumptions.abort("SIGINT is ignored by the processes these tests start (run them in the"
              + " foreground, or with job control: a background job of a non-interactive shell starts with SIGINT ignored)");
        }
      } catch (IOException e) {
        // no /proc: send it anyway
      }
    }
    Dist.Result r = Dist.run(List.of("kill", "-s", name, String.valueOf(process.pid())), Map.of());
    if (r.exit() != 0) {
      throw new AssertionError("kill -s " + name + " failed: " + r);
    }
  }

  /** Waits for the end. */
  Dist.Result finish() {
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("timed out:\n" + out);
      }
      String stderr = err.join();
      ended.await(1, TimeUnit.MINUTES);
      synchronized (out) {
        return new Dist.Result(process.exitValue(), out.toString(), stderr);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the process if a failed test left it running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
