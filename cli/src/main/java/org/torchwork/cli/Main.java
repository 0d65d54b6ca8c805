package org.torchwork.cli;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.torchwork.api.ApiVersion;
import org.torchwork.api.CallbackException;
import org.torchwork.api.Stage;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code torchwork} command. */
@Command(
    name = "torchwork",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Trains DJL networks with mlr3torch-style callbacks found by id.",
    subcommands = {TrainCommand.class, ResampleCommand.class, TuneCommand.class, PredictCommand.class, ModelCommand.class, ExportCommand.class, PlotCommand.class, CallbacksCommand.class,
        CatalogCommands.Learners.class, CatalogCommands.Tasks.class, CatalogCommands.Measures.class, CatalogCommands.Losses.class,
        EnginesCommand.class,
        PluginsCommand.class, ScheduleCommand.class, CertifyCommand.class, NewPluginCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit status for settings the user can fix before training: bad ids, parameters, files. */
  static final int USAGE_ERROR = 2;
  /** Exit status for failures during a run (a callback that throws, a checkpoint that cannot be written). */
  static final int RUN_ERROR = 1;
  /** Exit status when Java ran out of memory. */
  static final int OUT_OF_MEMORY = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--verbose")) {
      System.setProperty("torchwork.log.level", "DEBUG");
    }
    Signals.install(System.err);
    int status;
    try {
      status = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } catch (OutOfMemoryError e) {
      System.err.println(outOfMemory(e));
      status = OUT_OF_MEMORY;
    }
    Signals.exit(status);
  }

  static String outOfMemory(Throwable e) {
    return "error: Java ran out of memory (" + e.getMessage() + ").\n" + memoryHint();
  }

  private static String memoryHint() {
    return "Give Java more memory, e.g. TORCHWORK_JAVA_OPTS=-Xmx" + suggestedHeap() + ", or need less: a smaller batch_size,"
        + " fewer neurons, or a smaller data file.";
  }

  private static String suggestedHeap() {
    long gib = Math.max(2, 2 * (Runtime.getRuntime().maxMemory() >> 30));
    return gib + "g";
  }

  private static boolean refusedSetting(Throwable e) {
    return e instanceof CallbackException && ((CallbackException) e).stage() == Stage.ON_BEGIN
        && e.getCause() instanceof TorchworkException;
  }

  private static OutOfMemoryError outOfMemoryIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return (OutOfMemoryError) t;
      }
    }
    return null;
  }

  /**
   * Runs the command with the given output streams.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit status
   */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand("completion", new AutoComplete.GenerateCompletion());
    CommandLine completion = cli.getSubcommands().get("completion");
    completion.getCommandSpec().usageMessage().hidden(false).description(
        "Prints a completion script for bash and zsh: source <(torchwork completion) (zsh: run 'autoload -U +X bashcompinit"
            + " && bashcompinit' first).");
    withExitCodes(cli);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int status = handle(e, parseResult, out, err);
          boolean json = parseResult.subcommand() != null && parseResult.subcommand().matchedOption("--json") != null;
          if (json) {
            // The error as a document too, so that a program reading standard output sees what happened.
            Map<String, Object> doc = JsonOut.document(parseResult.subcommand().commandSpec().name());
            Throwable shown = e instanceof RunFailed ? e.getCause() : e;
            doc.put("error", shown.getMessage() == null ? shown.toString() : shown.getMessage());
            doc.put("status", status);
            JsonOut.print(out, doc);
          }
          return status;
        });
    int status = cli.execute(GlobalOptions.reorder(args));
    out.flush();
    err.flush();
    return status;
  }

  /** Reports a failure on standard error and gives the exit status for it. */
  private static int handle(Exception e, CommandLine.ParseResult parseResult, PrintWriter out, PrintWriter err) {
    // What the run printed comes first, then the error.
    out.flush();
    boolean verbose = parseResult.matchedOption("--verbose") != null
        || (parseResult.subcommand() != null && parseResult.subcommand().matchedOption("--verbose") != null);
    OutOfMemoryError oom = outOfMemoryIn(e);
    if (oom != null) {
      Throwable shown = e instanceof RunFailed ? e.getCause() : e;
      err.println(shown == oom ? outOfMemory(oom) : "error: " + shown.getMessage() + "\n" + memoryHint());
      return OUT_OF_MEMORY;
    }
    if (e instanceof RunFailed && e.getCause() instanceof TrainingInterrupted) {
      TrainingInterrupted stop = (TrainingInterrupted) e.getCause();
      err.println(stop.getMessage());
      return Signals.status(stop.signal());
    }
    if (e instanceof RunFailed && refusedSetting(e.getCause())) {
      // A callback refused its settings in on_begin, before training: the user's input to fix.
      err.println("error: Callback '" + ((CallbackException) e.getCause()).callbackId() + "': "
          + e.getCause().getCause().getMessage() + " Nothing was trained.");
      if (verbose) {
        e.getCause().printStackTrace(err);
      }
      return USAGE_ERROR;
    }
    if (e instanceof RunFailed) {
      err.println("error: " + e.getCause().getMessage());
      if (verbose) {
        e.getCause().printStackTrace(err);
      }
      return RUN_ERROR;
    }
    if (e instanceof TorchworkException) {
      err.println("error: " + e.getMessage());
      if (verbose) {
        e.printStackTrace(err);
      }
      return USAGE_ERROR;
    }
    err.println("error: " + e);
    if (verbose) {
      e.printStackTrace(err);
    } else {
      err.println("(run again with --verbose for the stack trace)");
    }
    return RUN_ERROR;
  }

  /** The exit statuses, listed in every command's help. */
  static final Map<String, String> EXIT_CODES = exitCodes();

  private static Map<String, String> exitCodes() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put("0", "Success.");
    codes.put("1", "A failure during a run (a callback threw, a file could not be written), or a plugin not loaded"
        + " (plugins).");
    codes.put("2", "A mistake in the settings, found before any work (all of them are listed).");
    codes.put("3", "Java ran out of memory.");
    codes.put("129", "Stopped by SIGHUP (the terminal closed).");
    codes.put("130", "Interrupted by Ctrl-C (SIGINT).");
    codes.put("143", "Stopped by SIGTERM.");
    return codes;
  }

  private static void withExitCodes(CommandLine command) {
    command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(EXIT_CODES);
    command.getSubcommands().values().forEach(Main::withExitCodes);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A failure while training, after every setting was checked: exit status 1, not 2. */
  static final class RunFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailed(TorchworkException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Reports Torchwork's version, DJL's, each engine's (or why its natives do not load) and Java's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      List<String> lines = new ArrayList<>();
      String v = Main.class.getPackage().getImplementationVersion();
      lines.add("torchwork " + (v == null ? ApiVersion.current().text() : v));
      lines.add("DJL " + Engine.getDjlVersion());
      for (String name : new TreeSet<>(Engine.getAllEngines())) {
        try {
          String version = Engine.getEngine(name).getVersion();
          if (version != null) {
            // DJL's own helper engines (RPC) have none; the training engines do.
            lines.add(name + " " + version);
          }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
          lines.add(name + ": natives do not load (" + e.getMessage() + ")");
        }
      }
      lines.add("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("os.arch")
          + ")");
      return lines.toArray(String[]::new);
    }
  }
}
