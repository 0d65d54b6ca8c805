package org.torchwork.runtime.loop;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.torchwork.api.CallbackException;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Learner;
import org.torchwork.api.Measure;
import org.torchwork.api.ParamValues;
import org.torchwork.api.Prediction;
import org.torchwork.api.Stage;
import org.torchwork.api.Task;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchLoss;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.TrainingInterrupted;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;
import org.torchwork.runtime.BackendChoice;
import org.torchwork.runtime.DataFeed;
import org.torchwork.runtime.Interrupts;
import org.torchwork.runtime.RunEnd;
import org.torchwork.data.Splits;
import org.torchwork.data.TrainingData;
import org.torchwork.runtime.predict.Forward;
import org.torchwork.runtime.store.CheckpointFolder;
import org.torchwork.runtime.store.Checkpoints;
import org.torchwork.runtime.store.ModelFiles;

/**
 * The one training loop, for every learner and engine. It runs the stages exactly as
 * {@link Stage} documents, dispatching each only to the callbacks that implement it.
 */
public final class TrainingLoop {

  /**
   * What a run produced.
   *
   * @param model the trained network; the caller owns it
   * @param states each callback's non-null state, by id, in the order the callbacks ran
   * @param epochs the epochs that ran
   * @param end how the run ended
   * @param tensors the callbacks' tensors at the end, copies the model owns
   * @param feed how the training rows were streamed and how long the run waited for them; null for
   *     rows held in memory
   */
  public record Outcome(Model model, Map<String, Object> states, int epochs, RunEnd end,
      Map<String, Map<String, NDArray>> tensors, DataFeed feed) {}

  private final LearnerSpec spec;
  private final ParamValues params;
  private final TorchLoss torchLoss;
  private final ParamValues lossValues;
  /** The training rows' weight together: their number, or the sum of their weights. */
  private final double trainWeight;
  private final List<Live> callbacks;
  private final BackendChoice choice;
  private final int seed;
  private final LoopContext ctx = new LoopContext();
  private final Checkpoints.Loaded resume;
  private final ModelFiles.Saved init;
  private final TrainingData data;
  private Optimizers.Stateful optimizer;
  private final String runId;
  private long epochRandomState;
  private Losses losses;
  private Feed feedTrain;
  private Feed feedValid;
  private DataFeed feed;
  private StepGradients gradients;
  private boolean gradientsAccumulate;
  private Randomness.PerBatch seeding;
  private Replicas replicas;
  private Augment augment;
  private List<Prediction> parts;
  private Path lastCheckpoint;
  private final Dispatcher dispatcher;

  /**
   * Sets up a run; {@link #run()} trains.
   *
   * @param learner the learner, as callbacks see it
   * @param out where callbacks print
   * @param spec the learner's network and task type
   * @param params the learner's checked parameters
   * @param loss the loss to train with
   * @param lossValues the loss's checked parameters
   * @param callbacks the callbacks, in the order they run
   * @param data the rows to train and validate on (with their weights, when the rows carry weights),
   *     and their standardization
   * @param measuresTrain measures scored on the training predictions
   * @param measuresValid measures scored on the validation predictions
   * @param choice the engine and device
   * @param seed the run's seed
   * @param resume the checkpoint to continue from, or null
   * @param init the saved model whose weights to start from (fine-tuning), or null
   */
  public TrainingLoop(
      Learner learner,
      PrintStream out,
      LearnerSpec spec,
      ParamValues params,
      TorchLoss loss,
      ParamValues lossValues,
      List<Live> callbacks,
      TrainingData data,
      List<Measure> measuresTrain,
      List<Measure> measuresValid,
      BackendChoice choice,
      int seed,
      Checkpoints.Loaded resume,
      ModelFiles.Saved init) {
    this.spec = spec;
    this.resume = resume;
    this.init = init;
    this.params = params;
    this.torchLoss = loss;
    this.lossValues = lossValues;
    this.trainWeight = Batches.weight(data.train());
    this.callbacks = callbacks;
    this.choice = choice;
    this.seed = seed;
    this.runId = resume != null ? resume.meta().run() : UUID.randomUUID().toString();
    this.dispatcher = new Dispatcher(callbacks, ctx);
    Map<String, CallbackSet> byId = new LinkedHashMap<>();
    callbacks.forEach(l -> byId.put(l.id(), l.callback()));
    ctx.callbacks = Collections.unmodifiableMap(byId);
    ctx.learner = learner;
    ctx.taskTrain = data.train();
    ctx.taskValid = data.valid();
    this.data = data;
    ctx.measuresTrain = List.copyOf(measuresTrain);
    ctx.measuresValid = List.copyOf(measuresValid);
    ctx.totalEpochs = params.getInt("epochs");
    ctx.evalFreq = params.getInt("eval_freq");
    ctx.device = choice.device();
    ctx.backend = choice.backend().id();
    ctx.out = out;
    ctx.inputs = Resumes.inputs(data, resume, init);
    ctx.owner = CheckpointFolder.owner(runId, spec.id(), callbacks.stream().map(Live::id).toList(), Checkpoints.settings(params));
    ctx.resumedFrom = resume == null ? null : resume.file().toAbsolutePath().normalize();
    ctx.declare(callbacks);
  }

  /**
   * Trains; on failure, runs every on_exit, closes the model and rethrows.
   *
   * @return the trained network, the callbacks' states and the epochs that ran
   */
  public Outcome run() {
    long started = System.nanoTime();
    Task train = ctx.taskTrain;
    NetworkShape shape = data.shape(spec.taskType() == TaskType.CLASSIF ? train.classes().size() : 1);
    ShuffleRandom random = new ShuffleRandom(seed);
    ctx.batches = Batches.count(train.nrow(), params.getInt("batch_size"));
    Model model = null;
    Trainer trainer = null;
    Throwable failure = null;
    Map<String, Object> states = Map.of();
    Map<String, Map<String, NDArray>> tensors = Map.of();
    try {
      Engine engine = choice.engine();
      Randomness.seedAndHold(engine, seed);
      model = Model.newInstance(spec.id(), choice.device(), engine.getEngineName());
      ctx.model = model;
      Block block = spec.network().create(shape, params, train);
      model.setBlock(block);
      if (resume != null) {
        Checkpoints.loadNetwork(resume, block, () -> spec.network().create(shape, params), model.getNDManager());
      } else if (init != null) {
        init.loadInto(block, () -> spec.network().create(shape, params), model.getNDManager());
      }
      ctx.learningRate.set(resume != null ? resume.meta().learningRate() : params.getDouble("opt.lr"));
      optimizer = Optimizers.create(params, ctx.learningRate, model.getNDManager());
      ctx.optimizer = optimizer;
      ctx.loss = RowLoss.of(torchLoss, lossValues, train.hasWeights());
      trainer =
          model.newTrainer(
              new DefaultTrainingConfig(ctx.loss).optOptimizer(ctx.optimizer).optDevices(new ai.djl.Device[] {choice.device()}));
      trainer.initialize(new Shape(shape.batch(1)));
      Randomness.release();
      Gradients.skipSumCheck(trainer);
      boolean mxnet = "MXNet".equals(engine.getEngineName());
      // PyTorch adds gradients up across backward passes; MXNet overwrites them.
      gradientsAccumulate = !mxnet;
      gradients = new StepGradients(block.getParameters().stream().collect(Collectors.toList()));
      ctx.gradients = gradients;
      seeding = Randomness.perBatch(engine, block, mxnet);
      augment = Augment.of(params, train.rowShape());
      replicas = Replicas.of(engine, choice.device(), params.getInt("devices"), block, gradients, model.getNDManager());
      losses = new Losses(model.getNDManager());
      ctx.losses = losses;
      feedTrain = Feed.of(train, model.getNDManager());
      feedValid = ctx.taskValid == null ? null : Feed.of(ctx.taskValid, model.getNDManager());
      ctx.trainer = trainer;
      ctx.checkpointWriter = dir -> writeCheckpoint(dir, random);
      if (resume != null) {
        // Until the run is set up where the checkpoint left it, no checkpoint could say where it is.
        ctx.consistent = false;
        restore(resume, random);
      }

      boolean shuffle = params.getBoolean("shuffle");
      // A checkpoint saved after a batch continues its epoch where it stopped. The run is in that
      // epoch from on_begin on, so a checkpoint saved before its next batch is the same one.
      boolean continuing = resume != null && resume.meta().step() > 0;
      if (continuing) {
        ctx.epoch = resume.meta().epoch() + 1;
        ctx.step = resume.meta().step();
        ctx.inEpoch = true;
        epochRandomState = resume.meta().shuffleState();
        losses.restart(resume.meta().epochLoss());
        ctx.published.restore(resume.meta().published());
        parts = scoresTrain() ? new ArrayList<>() : null;
        if (parts != null && resume.partial() != null) {
          parts.add(Resumes.fromPartial(resume.partial(), spec.taskType(), ctx.taskTrain.classes()));
        }
      }
      ctx.consistent = true;
      dispatch(Stage.ON_BEGIN);
      checkInterrupt();
      // An epoch a checkpoint was taken inside is finished first, even by a run that is ending.
      while (continuing || (ctx.epoch < ctx.totalEpochs && !ctx.terminate)) {
        if (!continuing) {
          checkInterrupt();
          // Between here and the epoch's random state, no checkpoint could say where the run is.
          ctx.consistent = false;
          ctx.epoch++;
          ctx.step = 0;
          ctx.stepValid = 0;
          ctx.validated = false;
          ctx.inEpoch = true;
          losses.restart(0);
          // An epoch that does not evaluate has no scores, as in mlr3torch; not the last ones.
          ctx.lastScoresTrain = Map.of();
          ctx.lastScoresValid = Map.of();
          ctx.clearPublished();
          parts = scoresTrain() ? new ArrayList<>() : null;
          dispatch(Stage.ON_EPOCH_BEGIN);
          epochRandomState = random.state();
          ctx.consistent = true;
        }
        // The order depends on the random state alone (which a checkpoint saves), drawn from the
        // identity each epoch, not on the previous epoch's order.
        int[] order = Splits.identity(train.nrow());
        if (shuffle) {
          random.shuffle(order);
        }
        trainEpoch(trainer, order, engine);
        continuing = false;
        ctx.epochLr = ctx.learningRate.rate();
        // From here to the end of on_epoch_end a failure leaves the epoch half closed.
        ctx.consistent = false;
        dispatch(Stage.ON_BEFORE_VALID);
        if (ctx.taskValid != null && (evaluates() || ctx.terminate)) {
          validate(trainer);
        }
        // Between epochs from here: a checkpoint saved in on_epoch_end resumes with the next epoch.
        ctx.inEpoch = false;
        dispatch(Stage.ON_EPOCH_END);
        ctx.consistent = true;
        ctx.step = 0;
      }
      // All epochs done; a request that came during the last validation still counts.
      checkInterrupt();
      dispatch(Stage.ON_END);
      states = CallbackStates.states(callbacks, ctx.stage);
      tensors = CallbackStates.copies(CallbackStates.tensors(callbacks, ctx.stage), ctx.model.getNDManager());
    } catch (Throwable t) {
      failure = t;
    }
    Randomness.release();
    ctx.batch = null;
    ctx.yHat = null;
    ctx.failure = failure;
    // The rows' engine copies are freed before on_exit; the losses stay readable there.
    feed = feedReport(started);
    Feed.close(feedTrain, feedValid);
    // What on_exit saves is what an interrupted run reports.
    lastCheckpoint = null;
    CallbackException exitFailure;
    try {
      exitFailure = exit();
    } finally {
      earlyStopping().ifPresent(EarlyStopping::release);
      // The callbacks' own tensors are freed with the run, never the network's (the model has copies).
      java.util.Set<NDArray> weights = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      if (model != null && model.getBlock() != null) {
        model.getBlock().getParameters().forEach(p -> weights.add(p.getValue().getArray()));
      }
      callbacks.forEach(live -> live.releaseTensors(weights));
      ctx.releaseClaims();
      if (losses != null) {
        losses.close();
      }
      if (replicas != null) {
        replicas.close();
      }
      if (trainer != null) {
        trainer.close();
      }
    }
    if (failure instanceof TrainingInterrupted) {
      TrainingInterrupted seen = (TrainingInterrupted) failure;
      failure = new TrainingInterrupted(seen.signal(), seen.epoch(), seen.step(), lastCheckpoint);
    }
    if (failure == null && exitFailure == null) {
      return new Outcome(model, states, ctx.epoch, Resumes.end(ctx), tensors, feed);
    }
    if (model != null) {
      model.close();
    }
    if (failure == null) {
      throw exitFailure;
    }
    if (exitFailure != null) {
      failure.addSuppressed(exitFailure);
    }
    if (failure instanceof RuntimeException) {
      throw (RuntimeException) failure;
    }
    if (failure instanceof Error) {
      throw (Error) failure;
    }
    throw new TorchworkException("Training failed: " + failure, failure);
  }

  /** How streamed rows reached the run, or null when they were in memory. */
  private DataFeed feedReport(long started) {
    if (feedTrain == null || !feedTrain.streamed()) {
      return null;
    }
    long waited = feedTrain.waitNanos() + (feedValid == null ? 0 : feedValid.waitNanos());
    return new DataFeed(ctx.taskTrain.rowSource().orElseThrow().describe(), waited / 1e9, (System.nanoTime() - started) / 1e9);
  }

  /** Trains the epoch's batches from ctx.step on, adding to the epoch's loss and parts. */
  private void trainEpoch(Trainer trainer, int[] order, Engine engine) {
    boolean collect = parts != null;
    int first = ctx.step;
    try (EpochBatches batches = feedTrain.epoch(order, params.getInt("batch_size"), ctx.model.getNDManager(), ctx.device)) {
      for (int i = first; i < batches.count(); i++) {
        ctx.step++;
        ctx.globalStep++;
        ctx.skipStep = false;
        ctx.consistent = false;
        // A seed per batch: a run resumed after any batch draws (dropout, ...) what an uninterrupted one would.
        int stepSeed = (int) (seed * 1_000_003L + ctx.globalStep);
        if (seeding != null) {
          seeding.seed(stepSeed);
        }
        try (NDManager manager = ctx.model.getNDManager().newSubManager(ctx.device)) {
          ctx.batch = batches.get(manager, i);
          if (augment != null) {
            ctx.batch = augment.apply(ctx.batch, manager, seed, ctx.globalStep);
          }
          gradients.newStep(manager);
          dispatch(Stage.ON_BATCH_BEGIN);
          Replicas.Step passes = Replicas.passes(
              replicas, trainer, ctx.batch, ctx.loss, choice.backend()::newGradientCollector, gradients, manager, stepSeed);
          NDArray loss = passes.loss();
          ctx.yHat = passes.yHat();
          // Counted before on_batch_end, so that a checkpoint saved there holds this batch.
          losses.add(loss, batches.weight(i));
          dispatch(Stage.ON_AFTER_BACKWARD);
          if (!ctx.skipStep) {
            optimizer.step(gradients, manager, gradientsAccumulate);
          } else if (gradientsAccumulate) {
            Gradients.zero(gradients);
          }
          if (collect) {
            parts.add(prediction(passes.yHat().singletonOrThrow(), batches.truth(i)));
          }
          // The batch is done: from here a checkpoint (even after a failure) holds it.
          ctx.consistent = true;
          dispatch(Stage.ON_BATCH_END);
        } finally {
          ctx.batch = null;
          ctx.yHat = null;
        }
        checkInterrupt();
      }
    }
    ctx.trainLoss = losses.sum() / trainWeight;
    ctx.hasTrainLoss = true;
    ctx.trainLossEpoch = ctx.epoch;
    if (collect) {
      ctx.lastScoresTrain = Collections.unmodifiableMap(Prediction.concat(parts).score(ctx.measuresTrain));
    }
  }

  /** Whether this epoch evaluates its measures: every eval_freq-th epoch, and the last. */
  private boolean evaluates() {
    return ctx.epoch % ctx.evalFreq == 0 || ctx.epoch == ctx.totalEpochs;
  }

  /** Whether this epoch collects its training predictions to score them. */
  private boolean scoresTrain() {
    return !ctx.measuresTrain.isEmpty() && evaluates();
  }

  /** Stops between two batches when {@link Interrupts} asks; on_exit sees why. */
  private void checkInterrupt() {
    Optional<String> why = Interrupts.requested();
    if (why.isPresent()) {
      throw new TrainingInterrupted(why.get(), ctx.epoch, ctx.inEpoch ? ctx.step : 0, null);
    }
  }

  private void validate(Trainer trainer) {
    List<Prediction> parts = new ArrayList<>();
    try (EpochBatches batches = feedValid.epoch(Splits.identity(ctx.taskValid.nrow()), params.getInt("batch_size"),
        ctx.model.getNDManager(), ctx.device)) {
      for (int i = 0; i < batches.count(); i++) {
        ctx.stepValid++;
        try (NDManager manager = ctx.model.getNDManager().newSubManager(ctx.device)) {
          ctx.batch = batches.get(manager, i);
          dispatch(Stage.ON_BATCH_VALID_BEGIN);
          NDList yHat = trainer.evaluate(ctx.batch.getData());
          ctx.yHat = yHat;
          dispatch(Stage.ON_BATCH_VALID_END);
          parts.add(prediction(yHat.singletonOrThrow(), batches.truth(i)));
        } finally {
          ctx.batch = null;
          ctx.yHat = null;
        }
      }
    }
    if (!ctx.measuresValid.isEmpty()) {
      ctx.lastScoresValid = Collections.unmodifiableMap(Prediction.concat(parts).score(ctx.measuresValid));
    }
    ctx.validated = true;
    dispatch(Stage.ON_VALID_END);
  }


  private Prediction prediction(NDArray output, float[] truth) {
    return Forward.toPrediction(spec.taskType(), ctx.taskTrain.classes(), output, truth);
  }

  /** Saves everything the run needs to continue: network, optimizer, shuffle state, epoch, step, callback states. */
  private Path writeCheckpoint(Path dir, ShuffleRandom random) {
    boolean mid = ctx.inEpoch;
    int epochsDone = mid ? ctx.epoch - 1 : ctx.epoch;
    int step = mid ? ctx.step : 0;
    Path file = dir.resolve(Checkpoints.fileName(epochsDone, step));
    Map<String, Object> states = CallbackStates.states(callbacks, ctx.stage);
    Map<String, String> idToName = Checkpoints.idToName(ctx.model.getBlock());
    Map<String, Integer> steps = new LinkedHashMap<>();
    optimizer.steps.forEach((id, n) -> steps.put(idToName.get(id), n));
    Map<String, NDArray[]> slots = new LinkedHashMap<>();
    optimizer.slots.forEach((id, arrays) -> slots.put(idToName.get(id), arrays));
    Checkpoints.Meta meta = new Checkpoints.Meta(
        Checkpoints.FORMAT, spec.id(), epochsDone, ctx.globalStep, seed, mid ? epochRandomState : random.state(),
        ctx.learningRate.rate(), data.preprocessing().names(), ctx.taskTrain.classes(), Checkpoints.settings(params), steps,
        callbacks.stream().map(Live::id).toList(), states, data.standardization(), runId, step, mid ? losses.sum() : 0,
        mid ? ctx.published.state() : Map.of(), Resumes.finished(ctx) || ctx.terminate ? Resumes.end(ctx) : null,
        data.preprocessing());
    List<NDArray> best = earlyStopping().map(EarlyStopping::bestWeights).orElse(List.of());
    Checkpoints.write(file, meta, ctx.model.getBlock(), slots, best, mid ? Resumes.toPartial(parts) : null,
        CallbackStates.tensors(callbacks, ctx.stage));
    lastCheckpoint = file;
    return file;
  }

  private Optional<EarlyStopping> earlyStopping() {
    return callbacks.stream().map(Live::callback).filter(EarlyStopping.class::isInstance).map(EarlyStopping.class::cast).findFirst();
  }

  /** Continues from a checkpoint: optimizer, shuffle state, epoch, learning rate, callback states. */
  private void restore(Checkpoints.Loaded checkpoint, ShuffleRandom random) {
    Checkpoints.Meta meta = checkpoint.meta();
    Map<String, String> nameToId = new LinkedHashMap<>();
    Checkpoints.idToName(ctx.model.getBlock()).forEach((id, name) -> nameToId.put(name, id));
    Checkpoints.OptimizerState saved = Checkpoints.optimizerState(checkpoint, nameToId, ctx.model.getNDManager());
    optimizer.restore(saved.steps(), saved.slots());
    random.restore(meta.shuffleState());
    ctx.epoch = meta.epoch();
    ctx.globalStep = meta.globalStep();
    Resumes.restoreEnd(meta, ctx);
    if (!checkpoint.bestWeights().isEmpty()) {
      List<NDArray> best = new ArrayList<>();
      checkpoint.bestWeights().forEach(bytes -> best.add(NDArray.decode(ctx.model.getNDManager(), bytes)));
      earlyStopping().ifPresent(e -> e.restoreBestWeights(best));
    }
    Resumes.restoreStates(checkpoint, callbacks, ctx.model.getNDManager());
  }

  private void dispatch(Stage stage) {
    dispatcher.dispatch(stage);
  }

  /** Runs every on_exit, whatever each throws; returns the first failure, the others suppressed in it. */
  private CallbackException exit() {
    ctx.stage = Stage.ON_EXIT;
    CallbackException first = null;
    for (Live live : dispatcher.of(Stage.ON_EXIT)) {
      ctx.current = live.id();
      try {
        live.call(Stage.ON_EXIT, ctx);
      } catch (Throwable t) {
        CallbackException e = t instanceof CallbackException ? (CallbackException) t : new CallbackException(live.id(), Stage.ON_EXIT, t);
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }
}
