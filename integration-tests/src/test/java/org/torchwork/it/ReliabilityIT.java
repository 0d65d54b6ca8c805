package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a user meets, through the built distribution: outputs aimed at files a run did not
 * create, a checkpoint folder two runs share, Ctrl-C, SIGTERM and {@code kill -9} in the middle of
 * training and saving, callbacks that throw errors, exhaust memory or call {@code System.exit},
 * and hostile run configs and CSV files. Each ends with a clear message and loses nothing.
 */
class ReliabilityIT {
  @TempDir Path tmp;
  Path plugins;
  Path iris;

  @BeforeEach
  void setUp() throws IOException {
    plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(Dist.REPO_PLUGINS.resolve("custom-logger.jar"), plugins.resolve("custom-logger.jar"));
    iris = tmp.resolve("iris.csv");
    Files.copy(Dist.REPO.resolve("runtime/src/main/resources/org/torchwork/runtime/builtin/iris.csv"), iris);
  }

  private List<String> train(String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--task", "iris", "--learner", "classif.mlp", "--set", "batch_size=50",
        "--set", "seed=3"));
    args.addAll(List.of(extra));
    return args;
  }

  private Dist.Result torchwork(List<String> args) {
    return Dist.torchwork(plugins, args.toArray(String[]::new));
  }

  // --- 3. Files a run writes never destroy files it did not create.

  @Test
  void outputsRefuseTheDataFileAFileTheyDidNotWriteAndALinkBeforeTraining() throws IOException {
    Path notes = tmp.resolve("notes.csv");
    Files.writeString(notes, "my notes\n");
    Files.createSymbolicLink(tmp.resolve("link.csv"), notes);
    String irisBefore = Dist.sha256(iris);
    List<String> task = List.of("--task", iris.toString(), "--target", "Species");
    record Case(String callbacks, String setting, String expected) {}
    for (Case c : List.of(
        new Case("csv_logger", "cb.csv_logger.path=" + iris, iris + " cannot be written: it is the task's data file, an input"
            + " of this run. Give cb.csv_logger.path another path."),
        new Case("csv_logger", "cb.csv_logger.path=" + notes, notes + " cannot be written: it exists and was not written by"
            + " csv_logger, and Torchwork never writes over a file it did not create. Move or delete it yourself if you no"
            + " longer need it, or give cb.csv_logger.path another file."),
        new Case("csv_logger", "cb.csv_logger.path=" + tmp.resolve("link.csv"), tmp.resolve("link.csv") + " cannot be written:"
            + " it is a symbolic link (to " + notes + "), which Torchwork does not write through. Give cb.csv_logger.path"
            + " another file."),
        new Case("tb", "cb.tb.path=" + iris, iris + " cannot be written: it is the task's data file, an input of this run. Give"
            + " cb.tb.path another path."),
        new Case("checkpoint", "cb.checkpoint.path=" + iris, iris + " cannot be written: it is the task's data file, an input"
            + " of this run. Give cb.checkpoint.path another path."))) {
      List<String> args = new ArrayList<>(List.of("train", "--learner", "classif.mlp", "--set", "batch_size=50", "--set",
          "epochs=1", "--callbacks", "custom_logger," + c.callbacks(), "--set", c.setting()));
      if (c.callbacks().equals("checkpoint")) {
        args.addAll(List.of("--set", "cb.checkpoint.freq=1"));
      }
      args.addAll(task);
      Dist.Result r = torchwork(args);
      assertEquals(2, r.exit(), r.toString());
      assertEquals("error: Callback '" + c.callbacks() + "': " + c.expected() + " Nothing was trained.\n", r.err(), r.toString());
      assertFalse(r.out().contains("Epoch 1:"), "refused before the first epoch: " + r);
    }
    assertEquals(irisBefore, Dist.sha256(iris));
    assertEquals("my notes\n", Files.readString(notes));

    // --save never replaces the data file either.
    List<String> save = new ArrayList<>(List.of("train", "--learner", "classif.mlp", "--set", "batch_size=50", "--set",
        "epochs=1", "--save", iris.toString()));
    save.addAll(task);
    Dist.Result r = torchwork(save);
    assertEquals(2, r.exit(), r.toString());
    assertEquals(irisBefore, Dist.sha256(iris));

    // Its own log, csv_logger writes again.
    Path log = tmp.resolve("log.csv");
    assertEquals(0, torchwork(train("--set", "epochs=1", "--callbacks", "csv_logger", "--set", "cb.csv_logger.path=" + log)).exit());
    Dist.Result again = torchwork(train("--set", "epochs=2", "--callbacks", "csv_logger", "--set", "cb.csv_logger.path=" + log));
    assertEquals(0, again.exit(), again.toString());
    assertEquals(3, Files.readAllLines(log).size(), "a header and two epochs");
  }

  @Test
  void aCheckpointFolderThatCannotBeWrittenIsRefusedBeforeTraining() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "a folder root can write but another user cannot needs root and setpriv, to run as that user");
    Path shared = Files.createTempDirectory("reliability-");
    try {
      Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path readOnly = Files.createDirectories(shared.resolve("root-only"));
      Path home = Files.createDirectories(shared.resolve("home"));
      assertEquals(0, Dist.run(List.of("chown", "65534", home.toString()), Map.of()).exit());
      List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
          "HOME=" + home, Dist.HOME.resolve("bin/torchwork").toString()));
      command.addAll(train("--set", "epochs=1", "--callbacks", "custom_logger,checkpoint", "--set",
          "cb.checkpoint.path=" + readOnly.resolve("ckpt"), "--set", "cb.checkpoint.freq=1"));
      Dist.Result r = Dist.run(command, Map.of("TORCHWORK_PLUGINS", Dist.REPO_PLUGINS.toString()));
      assertEquals(2, r.exit(), r.toString());
      assertTrue(r.err().startsWith("error: Callback 'checkpoint': " + readOnly.resolve("ckpt") + " cannot be written: no file"
          + " can be created in " + readOnly.resolve("ckpt") + " (access denied"), r.toString());
      assertTrue(r.err().endsWith("Give cb.checkpoint.path a path in a folder you can write to, or fix the folder's"
          + " permissions. Nothing was trained.\n"), r.toString());
      assertFalse(r.out().contains("Epoch 1:"), r.toString());
    } finally {
      Dist.run(List.of("rm", "-rf", shared.toString()), Map.of());
    }
  }

  // --- 3 and 4. One run per checkpoint folder; interrupts end cleanly.

  @Test
  void aCheckpointFolderIsLockedByItsRunAndCtrlCSavesWhereTheRunStopped() throws IOException {
    Path ckpt = tmp.resolve("ckpt");
    List<String> args = train("--set", "epochs=100000", "--callbacks", "custom_logger,checkpoint,csv_logger",
        "--set", "cb.checkpoint.path=" + ckpt, "--set", "cb.checkpoint.freq=100000", "--set", "cb.csv_logger.path=" + ckpt
            .resolve("log.csv"));
    Dist.Result stopped;
    try (Running first = Running.torchwork(plugins, Map.of(), args.toArray(String[]::new))) {
      first.awaitLine(l -> l.startsWith("Epoch 2:"));

      Dist.Result second = torchwork(args);
      assertEquals(2, second.exit(), second.toString());
      assertTrue(second.err().startsWith("error: Callback 'checkpoint': Checkpoint folder " + ckpt + " is in use by another run"
          + " (process "), second.toString());
      assertTrue(second.err().contains("Two runs in one folder would overwrite each other's checkpoints: wait for that run to"
          + " end, or give cb.checkpoint.path another folder."), second.toString());

      first.signal("INT");
      stopped = first.finish();
    }
    assertEquals(130, stopped.exit(), stopped.toString());
    String interrupted = stopped.err().lines().filter(l -> l.startsWith("Interrupted by SIGINT")).findFirst()
        .orElseThrow(() -> new AssertionError(stopped.toString()));
    // Between two batches, or between two epochs if the signal came while the run validated.
    assertTrue(interrupted.matches("Interrupted by SIGINT (in epoch \\d+ after \\d batch\\(es\\)|after epoch \\d+); checkpoint "
        + ckpt + "/checkpoint-\\d+(\\+\\d)?\\.zip was written: continue with resume=" + ckpt + "\\."), interrupted);
    assertTrue(stopped.err().contains("SIGINT: stopping after the current batch"), stopped.toString());
    try (Stream<Path> s = Files.list(ckpt)) {
      List<String> names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
      assertEquals(List.of(".torchwork.lock", "log.csv", "run.json"), names.stream().filter(n -> !n.startsWith("checkpoint-"))
          .collect(Collectors.toList()), "no temporary file is left: " + names);
      assertEquals(1, names.stream().filter(n -> n.startsWith("checkpoint-")).count(), names.toString());
    }
    List<String> log = Files.readAllLines(ckpt.resolve("log.csv"));
    assertEquals("epoch,lr,train.loss", log.get(0));

    // A later run that does not resume this one is refused; with fresh=true it starts over, and
    // files that are not checkpoints stay.
    Files.writeString(ckpt.resolve("notes.txt"), "keep me");
    List<String> later = train("--set", "epochs=1", "--callbacks", "csv_logger,checkpoint", "--set", "cb.checkpoint.path=" + ckpt,
        "--set", "cb.checkpoint.freq=1", "--set", "cb.csv_logger.path=" + ckpt.resolve("log.csv"));
    Dist.Result refused = torchwork(later);
    assertEquals(2, refused.exit(), refused.toString());
    assertEquals(log, Files.readAllLines(ckpt.resolve("log.csv")), "a refused run leaves the log as it was");
    assertTrue(refused.err().startsWith("error: Callback 'checkpoint': Checkpoint folder " + ckpt + " holds the checkpoints of"
        + " another run (checkpoint-"), refused.toString());
    assertTrue(refused.err().contains("continue it with resume=" + ckpt + ", set cb.checkpoint.fresh=true to delete its"
        + " checkpoints and start over, or give cb.checkpoint.path another folder."), refused.toString());
    later.addAll(List.of("--set", "cb.checkpoint.fresh=true"));
    Dist.Result fresh = torchwork(later);
    assertEquals(0, fresh.exit(), fresh.toString());
    try (Stream<Path> s = Files.list(ckpt)) {
      assertEquals(List.of(".torchwork.lock", "checkpoint-1.zip", "log.csv", "notes.txt", "run.json"),
          s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
  }

  /** The lines of a printed state, from "ID:" to the next state. */
  private static List<String> state(String out, String id) {
    List<String> lines = out.lines().collect(Collectors.toList());
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith(id + ": ")).findFirst()
        .orElseThrow(() -> new AssertionError("no state " + id + " in:\n" + out)));
    List<String> state = new ArrayList<>(List.of(lines.get(start)));
    for (int i = start + 1; i < lines.size() && lines.get(i).startsWith("  "); i++) {
      state.add(lines.get(i));
    }
    return state;
  }

  /** A training run of some epochs with callbacks, checkpointing to a folder. */
  private List<String> run(int epochs, List<String> callbacks, Path checkpoints) {
    List<String> args = train("--set", "epochs=" + epochs, "--set", "cb.checkpoint.path=" + checkpoints);
    args.addAll(callbacks);
    return args;
  }

  @Test
  void sigtermStopsBetweenBatchesAndTheResumedRunEndsExactlyAsAnUninterruptedOne() throws IOException {
    List<String> callbacks = List.of("--callbacks", "custom_logger,history,checkpoint", "--set", "cb.checkpoint.freq=1000",
        "--set", "batch_size=10", "--set", "measures_train=classif.acc");
    Dist.Result straight = torchwork(run(150, callbacks, tmp.resolve("straight")));
    assertEquals(0, straight.exit(), straight.toString());
    Path ckpt = tmp.resolve("parts");
    List<String> args = run(150, callbacks, ckpt);
    Dist.Result stopped;
    try (Running run = Running.torchwork(plugins, Map.of(), args.toArray(String[]::new))) {
      run.awaitLine(l -> l.startsWith("Epoch 3:"));
      run.signal("TERM");
      stopped = run.finish();
    }
    assertEquals(143, stopped.exit(), stopped.toString());
    // Between two batches, or between two epochs when the signal came while an epoch ended.
    assertTrue(stopped.err().contains("Interrupted by SIGTERM in epoch ") || stopped.err().contains("Interrupted by SIGTERM after"
        + " epoch "), stopped.toString());

    List<String> resumeArgs = new ArrayList<>(args);
    resumeArgs.addAll(List.of("--set", "resume=" + ckpt));
    Dist.Result resumed = torchwork(resumeArgs);
    assertEquals(0, resumed.exit(), resumed.toString());
    assertEquals(state(straight.out(), "history"), state(resumed.out(), "history"));
    assertEquals(state(straight.out(), "custom_logger"), state(resumed.out(), "custom_logger"));
  }

  @Test
  void killDashNineDuringTrainingAndSavingThenAnExactResume() throws IOException {
    List<String> callbacks = List.of("--callbacks", "custom_logger,history,checkpoint", "--set", "cb.checkpoint.freq=1",
        "--set", "batch_size=30");
    Dist.Result straight = torchwork(run(300, callbacks, tmp.resolve("straight")));
    assertEquals(0, straight.exit(), straight.toString());
    Path ckpt = tmp.resolve("parts");
    List<String> args = run(300, callbacks, ckpt);
    try (Running run = Running.torchwork(plugins, Map.of(), args.toArray(String[]::new))) {
      // A checkpoint is saved after every epoch, so a kill lands during a save or close to one.
      run.awaitLine(l -> l.startsWith("Epoch 4:"));
      run.signal("KILL");
      assertEquals(137, run.finish().exit());
    }
    // What a kill mid-save leaves: a half-written temporary file beside the checkpoints.
    Files.write(ckpt.resolve(".checkpoint-9.tmp-5eed.zip"), new byte[] {'P', 'K', 3, 4, 0});

    List<String> resumeArgs = new ArrayList<>(args);
    resumeArgs.addAll(List.of("--set", "resume=" + ckpt));
    Dist.Result resumed = torchwork(resumeArgs);
    assertEquals(0, resumed.exit(), resumed.toString());
    assertEquals(state(straight.out(), "history"), state(resumed.out(), "history"));
    try (Stream<Path> s = Files.list(ckpt)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary files are deleted at the next start");
    }
  }

  // --- 6. Every failure names its cause.

  @Test
  void rogueCallbacksAreNamedWithTheirStageAndExitStatus() {
    PluginJars.build("rogue", true, plugins.resolve("rogue.jar"));
    Dist.Result overflow = torchwork(train("--set", "epochs=2", "--callbacks", "rogue", "--set", "cb.rogue.at=on_epoch_end",
        "--set", "cb.rogue.doing=stack_overflow"));
    assertEquals(1, overflow.exit(), overflow.toString());
    assertTrue(overflow.err().contains("error: Callback 'rogue' failed in on_epoch_end: java.lang.StackOverflowError."),
        overflow.toString());

    Dist.Result memory = Dist.run(List.of(Dist.REPO.resolve("bin/torchwork").toString(), "train", "--task", "iris",
        "--learner", "classif.mlp", "--set", "batch_size=50", "--set", "epochs=2", "--callbacks", "rogue",
        "--set", "cb.rogue.at=on_batch_end", "--set", "cb.rogue.doing=out_of_memory"),
        Map.of("TORCHWORK_PLUGINS", plugins.toString(), "TORCHWORK_JAVA_OPTS", "-Xmx192m"));
    assertEquals(3, memory.exit(), memory.toString());
    assertTrue(memory.err().contains("error: Callback 'rogue' failed in on_batch_end: java.lang.OutOfMemoryError: Java heap"
        + " space."), memory.toString());
    assertTrue(memory.err().contains("Give Java more memory, e.g. TORCHWORK_JAVA_OPTS=-Xmx"), memory.toString());

    Dist.Result exit = torchwork(train("--set", "epochs=2", "--callbacks", "rogue", "--set", "cb.rogue.at=on_epoch_end",
        "--set", "cb.rogue.doing=exit"));
    assertEquals(7, exit.exit(), exit.toString());
    assertTrue(exit.err().contains("error: the training run was ended by a call to System.exit from"
        + " org.example.rogue.Rogue.maybe (Rogue.java:"), exit.toString());
    Dist.Result listing = torchwork(List.of("plugins"));
    assertTrue(listing.out().contains("rogue.jar: warning: org.example.rogue.Rogue may call System.exit, which ends Torchwork"
        + " without finishing the run.\nrogue.jar: warning: org.example.rogue.Rogue may call Runtime.halt, which ends Torchwork"
        + " at once: no callback's on_exit runs and nothing is saved."), listing.toString());
    // Runtime.halt runs no shutdown hook, so only the warning given at every start names it.
    Dist.Result halt = torchwork(train("--set", "epochs=2", "--callbacks", "rogue", "--set", "cb.rogue.at=on_epoch_end",
        "--set", "cb.rogue.doing=halt"));
    assertEquals(9, halt.exit(), halt.toString());
    assertTrue(halt.err().startsWith("warning: plugin " + plugins.resolve("rogue.jar") + ": org.example.rogue.Rogue may call"
        + " System.exit"), halt.toString());

    Dist.Result huge = torchwork(train("--set", "epochs=1", "--callbacks", "rogue", "--set", "cb.rogue.state=huge"));
    assertEquals(0, huge.exit(), huge.toString());
    String line = huge.out().lines().filter(l -> l.startsWith("rogue: ")).findFirst().orElseThrow();
    assertTrue(line.endsWith("... (50000000 characters in all; the whole state is in the trained model)"), line.substring(
        Math.max(0, line.length() - 200)));
    assertTrue(line.length() < 2200, "not printed in full: " + line.length());

    Dist.Result big = torchwork(train("--set", "epochs=1", "--callbacks", "rogue", "--set", "cb.rogue.state=big_integer"));
    assertEquals(1, big.exit(), big.toString());
    assertTrue(big.err().contains("error: Callback 'rogue' failed in on_end: its stateDict() returned what cannot be saved:"
        + " state.count is a BigInteger (123456789012345678901234567890), which would come back rounded to a double"),
        big.toString());
  }

  // --- 5. Inputs are bounded and checked before any work.

  @Test
  void hostileRunConfigsAreRefusedWithFileAndLineAndAllMistakesAtOnce() throws IOException {
    Path config = tmp.resolve("configs/run.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "task: iris\nlearner: classif.mlp\ntask: iris\ncallbacks: &cbs [history]\nparams:\n"
        + "  epochs: 99999999999999999999999\n  epochs: 2\n  opt.lr: Infinity\n  batch_size: 16\n");
    Dist.Result r = torchwork(List.of("train", "--config", config.toString(), "--set", "dropout=2"));
    assertEquals(2, r.exit(), r.toString());
    assertEquals("error: 3 problems, each to fix:\n"
        + "  - Config file " + config + " line 3: key 'task' is given twice. Keep one.\n"
        + "  - Config file " + config + " line 4: anchors and aliases (&cbs, *cbs) are not allowed in a run config. Write the"
        + " value out.\n"
        + "  - Config file " + config + " line 7: parameter 'epochs' is given twice. Keep one.\n", r.err());

    Files.writeString(config, "task: iris\nlearner: classif.mlp\nparams:\n  epochs: 99999999999999999999999\n"
        + "  opt.lr: Infinity\n  batch_size: 16\n");
    Dist.Result values = torchwork(List.of("train", "--config", config.toString(), "--set", "dropout=2", "--set", "neurons"));
    assertEquals(2, values.exit(), values.toString());
    assertEquals("error: 4 problems, each to fix:\n"
        + "  - Config file " + config + " line 4, key 'params.epochs': Parameter 'epochs': 99999999999999999999999 is too large:"
        + " an integer here is at most 2147483647. It must be an integer >= 0, e.g. epochs=1.\n"
        + "  - Config file " + config + " line 5, key 'params.opt.lr': Parameter 'opt.lr': Infinity is not finite. It must be"
        + " a number > 0, e.g. opt.lr=0.001.\n"
        + "  - --set 'neurons' is not KEY=VALUE. Write e.g. --set epochs=5 or --set cb.custom_logger.alpha=0.05.\n"
        + "  - Parameter 'dropout': 2 is out of range. It must be a number in [0, 1), e.g. dropout=0.5.\n", values.err());

    Files.writeString(config, "a: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n");
    Dist.Result deep = torchwork(List.of("train", "--config", config.toString()));
    assertEquals(2, deep.exit(), deep.toString());
    assertTrue(deep.err().startsWith("error: Config file " + config + " is nested too deeply to read."), deep.toString());

    Files.writeString(config, "# padding\n".repeat(200_000));
    Dist.Result large = torchwork(List.of("train", "--config", config.toString()));
    assertEquals(2, large.exit(), large.toString());
    assertEquals("error: Config file " + config + " is 2000000 bytes; a run config may have at most 1048576. It holds settings"
        + " only: put data in CSV files and name them (task: data.csv).\n", large.err());
  }

  @Test
  void pathsInARunConfigResolveAgainstTheConfigFile() throws IOException {
    Path config = tmp.resolve("configs/run.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "task: ../iris.csv\ntarget: Species\nlearner: classif.mlp\ncallbacks: [csv_logger, checkpoint]\n"
        + "params:\n  epochs: 1\n  batch_size: 50\n  cb.csv_logger.path: logs/log.csv\n  cb.checkpoint.path: ckpt\n"
        + "  cb.checkpoint.freq: 1\n");
    Dist.Result r = torchwork(List.of("train", "--config", config.toString()));
    assertEquals(0, r.exit(), r.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("configs/logs/log.csv")), r.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("configs/ckpt/checkpoint-1.zip")), r.toString());
  }

  @Test
  void hostileCsvValuesAreRefusedWithRowAndColumn() throws IOException {
    Path data = tmp.resolve("data.csv");
    for (String[] c : new String[][] {
        {"1e39", "line 3, column 'a': '1e39' is beyond the range of 32-bit floats"},
        {"-Infinity", "line 3, column 'a': '-Infinity' is not a finite number"}}) {
      Files.writeString(data, "a,b,y\n1,2,x\n" + c[0] + ",3,y\n2,4,x\n");
      Dist.Result r = torchwork(List.of("train", "--task", data.toString(), "--target", "y", "--learner", "classif.mlp",
          "--set", "epochs=1", "--set", "batch_size=2"));
      assertEquals(2, r.exit(), r.toString());
      assertTrue(r.err().startsWith("error: Task file " + data + " " + c[1]), r.toString());
    }
    // A missing value is imputed, unless impute=none refuses it with the count per column.
    Files.writeString(data, "a,b,y\n1,2,x\nNaN,3,y\n2,4,x\n");
    List<String> missing = List.of("train", "--task", data.toString(), "--target", "y", "--learner", "classif.mlp", "--set", "epochs=1",
        "--set", "batch_size=2");
    assertEquals(0, torchwork(missing).exit());
    List<String> none = new java.util.ArrayList<>(missing);
    none.addAll(List.of("--set", "impute=none"));
    Dist.Result refused = torchwork(none);
    assertEquals(2, refused.exit(), refused.toString());
    assertTrue(refused.err().startsWith("error: Task 'data' has missing values (a: 1 row(s)), and impute=none refuses them."),
        refused.toString());
    Dist.Result batch = torchwork(train("--set", "epochs=1", "--set", "batch_size=2147483647"));
    assertEquals(0, batch.exit(), "a batch size above the rows is the rows: " + batch);
    Dist.Result network = torchwork(train("--set", "epochs=1", "--set", "neurons=100000,100000,100000"));
    assertEquals(2, network.exit(), network.toString());
    assertTrue(network.err().startsWith("error: The network of learner 'classif.mlp' has 20001000003 parameters; training it"
        + " needs about 298.0 GiB (weights, gradients and optimizer state), more than this machine's "), network.toString());
  }
}
