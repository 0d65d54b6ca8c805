package org.torchwork.cli;

import java.io.PrintStream;
import java.util.Map;
import org.torchwork.runtime.Interrupts;
import sun.misc.Signal;

/**
 * Ctrl-C, {@code SIGTERM} and {@code SIGHUP}: the first one stops a training run cleanly after the batch in
 * progress ({@link Interrupts}), a second one, or one outside a run, ends the process at once with
 * the conventional status (130, 143 or 129). A call to {@code System.exit} during a run (by a plugin)
 * is reported as such.
 */
final class Signals {
  /** Exit status after Ctrl-C. */
  static final int SIGINT_STATUS = 130;
  /** Exit status after SIGTERM. */
  static final int SIGTERM_STATUS = 143;
  /** Exit status after SIGHUP (the terminal or ssh session closed). */
  static final int SIGHUP_STATUS = 129;
  private static final Map<String, Integer> STATUS =
      Map.of("SIGINT", SIGINT_STATUS, "SIGTERM", SIGTERM_STATUS, "SIGHUP", SIGHUP_STATUS);
  private static volatile boolean exiting;

  private Signals() {}

  /** The exit status for what interrupted a run. */
  static int status(String signal) {
    return STATUS.getOrDefault(signal, SIGINT_STATUS);
  }

  /** Ends the process; a shutdown in progress is then not reported as unexpected. */
  static void exit(int status) {
    exiting = true;
    System.exit(status);
  }

  /**
   * Installs the handlers.
   *
   * @param err where to say what happens
   */
  static void install(PrintStream err) {
    for (String name : STATUS.keySet()) {
      try {
        Signal.handle(new Signal(name.substring(3)), s -> handle(name, err));
      } catch (IllegalArgumentException e) {
        // The JVM uses this signal itself (e.g. with -Xrs); keep its default.
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> reportUnexpectedExit(err), "torchwork-exit-report"));
  }

  private static void handle(String signal, PrintStream err) {
    if (Interrupts.running() && Interrupts.requested().isEmpty()) {
      Interrupts.request(signal);
      err.println();
      err.println(signal + ": stopping after the current batch; on_exit runs for every callback. Press Ctrl-C again to"
          + " stop at once.");
      err.flush();
      return;
    }
    exit(status(signal));
  }

  /** A run that ends by System.exit in someone else's code is named, with the caller. */
  private static void reportUnexpectedExit(PrintStream err) {
    if (exiting || !Interrupts.running()) {
      return;
    }
    String caller = null;
    for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
      for (int i = 0; i + 1 < stack.length && caller == null; i++) {
        boolean exit = stack[i].getMethodName().equals("exit")
            && (stack[i].getClassName().equals("java.lang.System") || stack[i].getClassName().equals("java.lang.Runtime"));
        if (exit && !stack[i + 1].getClassName().startsWith("java.lang.")) {
          caller = stack[i + 1].getClassName() + "." + stack[i + 1].getMethodName() + " (" + stack[i + 1].getFileName() + ":"
              + stack[i + 1].getLineNumber() + ")";
        }
      }
    }
    err.println();
    err.println("error: the training run was ended by a call to System.exit" + (caller == null ? "" : " from " + caller)
        + ", not by Torchwork: the run did not finish, and on_exit, saving and the summary did not run. A callback stops a"
        + " run with ctx.terminate(), or fails it by throwing.");
    err.flush();
  }
}
