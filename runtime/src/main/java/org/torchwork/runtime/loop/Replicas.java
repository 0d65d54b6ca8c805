package org.torchwork.runtime.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.torchwork.api.TorchworkException;

/**
 * Data-parallel training ({@code devices} above 1): each training batch is split into as many
 * parts as there are devices, part <i>i</i> runs forward and backward on a copy of the network on
 * device <i>i</i>, and the parts' gradients are added up on the main device, in part order, before
 * callbacks see them and the optimizer takes one step there. Each part's loss is weighted by its
 * share of the batch's rows (of the batch's weight sum, when rows carry weights: the part's
 * {@code sum(w_i l_i)} over the whole batch's {@code sum(w_i)}), so the sum is the whole batch's
 * mean-loss gradient. The copies are
 * taken from the main network's weights (and buffers such as batch-norm statistics, as PyTorch's
 * {@code DistributedDataParallel} broadcasts them) before every step, so checkpoints, callbacks and
 * the optimizer's state only ever deal with the main network.
 *
 * <p>With GPUs, device <i>i</i> is a GPU of its own. On the CPU every copy lives on the CPU and the
 * parts run one after another: the same arithmetic as on several devices, for checking a
 * multi-device setup on a machine without them, not for speed.
 */
final class Replicas implements AutoCloseable {
  private final Device[] devices;
  private final Engine engine;
  private final boolean draws;
  private final Block block;
  private final List<Pair<String, Parameter>> parameters;
  private final List<PartStore> stores = new ArrayList<>();

  private Replicas(
      Device[] devices, Engine engine, Block block, List<Pair<String, Parameter>> parameters, NDManager parent) {
    this.devices = devices;
    this.engine = engine;
    this.draws = Randomness.drawsRandomNumbers(block);
    this.block = block;
    this.parameters = parameters;
    for (int i = 1; i < devices.length; i++) {
      stores.add(new PartStore(parent, devices[i]));
    }
  }

  /**
   * The devices of a run: the main one first.
   *
   * @param engine the run's engine
   * @param main the device the run trains on
   * @param count the learner's {@code devices}
   * @return {@code count} devices; GPUs each once, the CPU repeated
   * @throws TorchworkException when the engine sees fewer GPUs than asked for
   */
  static Device[] devices(Engine engine, Device main, int count) {
    Device[] all = new Device[count];
    if (!main.isGpu()) {
      java.util.Arrays.fill(all, main);
      return all;
    }
    int gpus = engine.getGpuCount();
    if (count > gpus) {
      throw new TorchworkException("Learner parameter devices=" + count + " asks for " + count + " GPUs, but the "
          + engine.getEngineName() + " engine sees " + gpus + ". Set devices to " + gpus + " or fewer, or device=cpu"
          + " to run the same split on the CPU.");
    }
    for (int i = 0; i < count; i++) {
      all[i] = Device.gpu((main.getDeviceId() + i) % gpus);
    }
    return all;
  }

  /**
   * Sets up the copies for a run, or none.
   *
   * @param engine the run's engine
   * @param main the device the run trains on
   * @param count the learner's {@code devices}
   * @param block the main network, initialized
   * @param gradients the run's gradients, whose parameters the copies mirror
   * @param parent the model's manager; the copies belong to sub-managers of it
   * @return the copies, or null for a run on one device
   * @throws TorchworkException when the engine sees fewer GPUs than asked for
   */
  static Replicas of(Engine engine, Device main, int count, Block block, StepGradients gradients, NDManager parent) {
    Device[] devices = devices(engine, main, count);
    return devices.length < 2 ? null : new Replicas(devices, engine, block, gradients.parameters(), parent);
  }

  /** A step's predictions (on the main device, in the batch's row order) and its loss. */
  record Step(NDList yHat, NDArray loss) {}

  /**
   * Runs a training batch's forward and backward passes: on the main device alone, or split over
   * the copies.
   *
   * @param replicas the run's copies, or null for a run on one device
   * @see #step
   */
  static Step passes(Replicas replicas, Trainer trainer, Batch batch, Loss loss, Supplier<GradientCollector> collectors,
      StepGradients gradients, NDManager scope, int stepSeed) {
    if (replicas != null) {
      return replicas.step(trainer, batch, loss, collectors, gradients, scope, stepSeed);
    }
    try (GradientCollector collector = collectors.get()) {
      NDList yHat = trainer.forward(batch.getData());
      Randomness.release();
      NDArray value = loss.evaluate(batch.getLabels(), yHat);
      collector.backward(value);
      return new Step(yHat, value);
    }
  }

  /**
   * Runs a training batch's forward and backward passes over the devices and adds the gradients
   * up on the main device.
   *
   * @param trainer the run's trainer (the main device's part runs through it)
   * @param batch the batch, on the main device
   * @param loss the loss, a mean over rows (a weighted one when the labels hold weights)
   * @param collectors a new gradient collector for the passes
   * @param gradients this step's gradients, whose scope owns the step's arrays
   * @param scope the step's manager
   * @param stepSeed the batch's seed, from which parts on other GPUs seed their draws
   * @return the predictions and the batch's loss
   */
  Step step(Trainer trainer, Batch batch, Loss loss, Supplier<GradientCollector> collectors, StepGradients gradients,
      NDManager scope, int stepSeed) {
    NDList data = batch.getData();
    NDList labels = batch.getLabels();
    long rows = data.head().getShape().get(0);
    int parts = (int) Math.min(devices.length, rows);
    refresh(parts);
    long[] cuts = new long[parts - 1];
    long[] sizes = new long[parts];
    long at = 0;
    for (int i = 0; i < parts; i++) {
      sizes[i] = rows / parts + (i < rows % parts ? 1 : 0);
      at += sizes[i];
      if (i < parts - 1) {
        cuts[i] = at;
      }
    }
    List<NDList> xs = split(data, cuts, parts);
    List<NDList> ys = split(labels, cuts, parts);
    // Each part's arrays belong to a manager on its device, so that what its operations create
    // (scalars included) is made there; all of them are freed with the step.
    NDManager[] owners = new NDManager[parts];
    for (int i = 0; i < parts; i++) {
      owners[i] = i == 0 ? scope : scope.newSubManager(devices[i]);
    }
    List<NDList> outputs = new ArrayList<>(parts);
    NDArray total = null;
    RowLoss weighing = loss instanceof RowLoss r && r.weighs(labels) ? r : null;
    NDArray batchWeight = weighing == null ? null : RowLoss.batchWeight(labels);
    try (GradientCollector collector = collectors.get()) {
      List<NDList> yHats = new ArrayList<>(parts);
      for (int i = 0; i < parts; i++) {
        if (i > 0 && draws && devices[i].isGpu()) {
          // Every GPU's generator got the batch's seed: a part on another GPU draws from its own.
          Randomness.seedAndHold(engine, stepSeed * 31 + i);
        }
        NDList x = on(xs.get(i), devices[i], owners[i]);
        yHats.add(i == 0 ? trainer.forward(x) : block.forward(stores.get(i - 1), x, true));
      }
      Randomness.release();
      for (int i = 0; i < parts; i++) {
        NDList y = on(ys.get(i), devices[i], owners[i]);
        NDArray part = weighing != null ? weighing.part(y, yHats.get(i), on(new NDList(batchWeight), devices[i], owners[i]).head())
            : loss.evaluate(y, yHats.get(i)).mul((float) sizes[i] / rows);
        collector.backward(part);
        NDArray onMain = part.toDevice(devices[0], false);
        total = total == null ? onMain : total.add(onMain);
        NDList out = new NDList(yHats.get(i).size());
        yHats.get(i).forEach(o -> out.add(o.toDevice(devices[0], false)));
        outputs.add(out);
      }
    }
    for (int i = 1; i < parts; i++) {
      Map<Parameter, NDArray> copies = stores.get(i - 1).arrays;
      for (Pair<String, Parameter> p : parameters) {
        Parameter parameter = p.getValue();
        if (StepGradients.trained(parameter)) {
          NDArray grad = copies.get(parameter).getGradient();
          grad.attach(owners[i]);
          gradients.of(parameter).addi(grad.toDevice(devices[0], false));
        }
      }
    }
    return new Step(parts == 1 ? outputs.get(0) : concat(outputs), total);
  }

  /** The parts' outputs joined row-wise, output by output. */
  private static NDList concat(List<NDList> outputs) {
    NDList joined = new NDList(outputs.get(0).size());
    for (int k = 0; k < outputs.get(0).size(); k++) {
      NDList column = new NDList(outputs.size());
      for (NDList out : outputs) {
        column.add(out.get(k));
      }
      joined.add(NDArrays.concat(column));
    }
    return joined;
  }

  /** Each array of a list cut into parts along its first axis. */
  private static List<NDList> split(NDList arrays, long[] cuts, int parts) {
    List<NDList> byPart = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      byPart.add(new NDList(arrays.size()));
    }
    for (NDArray array : arrays) {
      NDList pieces = parts == 1 ? new NDList(array) : array.split(cuts);
      for (int i = 0; i < parts; i++) {
        byPart.get(i).add(pieces.get(i));
      }
    }
    return byPart;
  }

  /** A part's arrays on its device; copies there belong to the step. */
  private static NDList on(NDList arrays, Device device, NDManager scope) {
    NDList moved = new NDList(arrays.size());
    for (NDArray a : arrays) {
      NDArray m = a.toDevice(device, false);
      if (m != a) {
        m.attach(scope);
      }
      moved.add(m);
    }
    return moved;
  }

  /** Takes the copies the step's parts use anew from the main network: weights, buffers, and what trains. */
  private void refresh(int parts) {
    for (int i = 1; i < parts; i++) {
      PartStore store = stores.get(i - 1);
      try (NDManager old = store.owner) {
        store.owner = store.parent.newSubManager(devices[i]);
        store.arrays.clear();
        for (Pair<String, Parameter> p : parameters) {
          Parameter parameter = p.getValue();
          NDArray weight = parameter.getArray();
          NDArray copy;
          if (weight.getDevice().equals(devices[i])) {
            // On the weight's own device DJL's PyTorch toDevice returns the same tensor, copy or not.
            copy = weight.duplicate();
            copy.attach(store.owner);
          } else {
            // toDevice makes a manager under the weight's for the copy: let it be a passing one.
            try (NDManager passing = store.parent.newSubManager()) {
              passing.tempAttachAll(weight);
              copy = weight.toDevice(devices[i], true);
              copy.attach(store.owner);
            }
          }
          if (parameter.requiresGradient()) {
            copy.setRequiresGradient(true);
          }
          store.arrays.put(parameter, copy);
        }
      }
    }
  }

  @Override
  public void close() {
    stores.forEach(s -> s.owner.close());
  }

  /** The parameter values a part's forward pass reads: its copies. */
  private static final class PartStore extends ParameterStore {
    final Map<Parameter, NDArray> arrays = new IdentityHashMap<>();
    final NDManager parent;
    NDManager owner;

    PartStore(NDManager parent, Device device) {
      super(parent, false);
      this.parent = parent;
      this.owner = parent.newSubManager(device);
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      NDArray copy = arrays.get(parameter);
      if (copy == null) {
        throw new IllegalStateException("No copy of parameter " + parameter.getName() + " for a data-parallel part");
      }
      return copy;
    }
  }
}
