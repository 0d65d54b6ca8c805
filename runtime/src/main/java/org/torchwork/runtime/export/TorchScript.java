package org.torchwork.runtime.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.data.Standardization;
import org.torchwork.runtime.store.AtomicFiles;
import org.torchwork.runtime.store.Json;

/**
 * Writes a trained network as a TorchScript archive, the file {@code torch.jit.load} reads in
 * Python and that libtorch, TorchServe and DJL's PyTorch engine (and so DJL Serving) load without
 * any Torchwork code.
 *
 * <p>DJL cannot trace a network built in Java into TorchScript, so the archive is written here:
 * the network is translated layer by layer into TorchScript source, its weights into the
 * archive's tensor records, and the whole into the archive layout libtorch reads (pickled module
 * state, code, constants, version). Networks made of linear layers, 2-d convolutions, batch
 * normalization (with its running statistics), {@code classif.cnn}'s max pooling, dropout (which
 * prediction skips) and the activations ReLU, LeakyReLU, ELU, SELU, GELU, sigmoid, tanh, softplus
 * and Mish, nested in sequential blocks, translate; any other block (a residual connection, say) is
 * refused, naming it. The archive takes float32 rows of the model's features, in its order
 * (images as rows of C x H x W values, or as arrays of that shape), standardizes them when the
 * model does, and returns the class probabilities (softmax) or the regression values.
 */
public final class TorchScript {
  private static final String CLASS = "TorchworkModel";
  private static final String ROOT = "model";

  private TorchScript() {}

  /** One step of the forward function, and the tensors it reads. */
  private record Step(String code, List<NDArray> tensors) {}

  /**
   * The archive of a network: a block with no TorchScript form is refused here, before anything is
   * written.
   *
   * @param network the trained network
   * @param manager a manager on the network's engine, for probing activations
   * @param learner the learner's id, for messages
   * @param type the task type
   * @param features the feature names, in order
   * @param classes the class labels; empty for regression
   * @param standardization the model's standardization, or null
   * @param fill the value that replaces a missing (NaN) value of each feature, or null when the
   *     model imputes nothing
   * @param dims the shape the network takes each row in (C, H, W for images); one size for flat rows
   * @return what writes the archive
   * @throws TorchworkException when a block has no TorchScript form
   */
  public static AtomicFiles.Content archive(Block network, NDManager manager, String learner, TaskType type, List<String> features,
      List<String> classes, Standardization standardization, float[] fill, List<Integer> dims) {
    List<Step> steps = new ArrayList<>();
    translate(network, manager, learner, steps);
    List<String> names = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    StringBuilder forward = new StringBuilder();
    if (dims.size() > 1) {
      // Arrays of the image's shape taken as the rows of features they are.
      forward.append("    x = torch.reshape(x, [-1, ").append(features.size()).append("])\n");
    }
    if (fill != null) {
      add(names, values, shapes, "fill", fill, new long[] {features.size()});
      forward.append("    x = torch.where(torch.isnan(x), self.fill, x)\n");
    }
    if (standardization != null) {
      add(names, values, shapes, "mean", toFloats(standardization.mean()), new long[] {features.size()});
      add(names, values, shapes, "scale", toFloats(standardization.scale()), new long[] {features.size()});
      forward.append("    h = torch.div(torch.sub(x, self.mean), self.scale)\n");
    } else {
      forward.append("    h = x\n");
    }
    if (dims.size() > 1) {
      // Rows of features in, as the model takes them; the network gets them in its shape.
      StringBuilder shape = new StringBuilder("[-1");
      dims.forEach(d -> shape.append(", ").append(d));
      forward.append("    h = torch.reshape(h, ").append(shape).append("])\n");
    }
    int parameters = 0;
    for (Step step : steps) {
      String code = step.code();
      for (NDArray t : step.tensors()) {
        String name = "p" + parameters++;
        add(names, values, shapes, name, t.toType(DataType.FLOAT32, false).toFloatArray(), t.getShape().getShape());
        code = code.replaceFirst("\\$", "self." + name);
      }
      forward.append("    h = ").append(code).append('\n');
    }
    forward.append(type == TaskType.CLASSIF ? "    return torch.softmax(h, -1)\n" : "    return h\n");

    StringBuilder source = new StringBuilder("class " + CLASS + "(Module):\n  __parameters__ = [");
    List<String> buffers = new ArrayList<>();
    if (fill != null) {
      buffers.add("fill");
    }
    if (standardization != null) {
      buffers.addAll(List.of("mean", "scale"));
    }
    for (String n : names) {
      if (!buffers.contains(n)) {
        source.append('"').append(n).append("\", ");
      }
    }
    source.append("]\n  __buffers__ = [");
    buffers.forEach(b -> source.append('"').append(b).append("\", "));
    source.append("]\n");
    names.forEach(n -> source.append("  ").append(n).append(" : Tensor\n"));
    source.append("  training : bool\n");
    source.append("  def forward(self: __torch__.").append(CLASS).append(",\n    x: Tensor) -> Tensor:\n").append(forward);

    Pickle data = new Pickle().global("__torch__", CLASS).emptyTuple().newObj().emptyDict().mark();
    for (int i = 0; i < names.size(); i++) {
      data.string(names.get(i));
      tensor(data, i, values.get(i).length, shapes.get(i));
    }
    data.string("training").bool(false).setItems().build();

    Map<String, Object> extra = Map.of("learner", learner, "task_type", type.id(), "features", features, "classes", classes,
        "standardized", standardization != null, "imputed", fill != null,
        "output", type == TaskType.CLASSIF ? "class probabilities" : "values");
    return out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      stored(zip, "data.pkl", data.stop());
      stored(zip, "code/__torch__.py", source.toString().getBytes(StandardCharsets.UTF_8));
      stored(zip, "constants.pkl", new Pickle().emptyTuple().stop());
      for (int i = 0; i < values.size(); i++) {
        ByteBuffer bytes = ByteBuffer.allocate(values.get(i).length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values.get(i));
        stored(zip, "data/" + i, bytes.array());
      }
      stored(zip, "extra/torchwork.json", Json.bytes(extra));
      stored(zip, "version", "3\n".getBytes(StandardCharsets.US_ASCII));
      stored(zip, "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      zip.finish();
    };
  }

  private static void add(List<String> names, List<float[]> values, List<long[]> shapes, String name, float[] v, long[] shape) {
    names.add(name);
    values.add(v);
    shapes.add(shape);
  }

  /** {@code torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}. */
  private static void tensor(Pickle p, int key, int numel, long[] shape) {
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().string("storage").global("torch", "FloatStorage").string(Integer.toString(key)).string("cpu").integer(numel).tuple()
        .persistentId();
    p.integer(0);
    p.mark();
    for (long s : shape) {
      p.integer(s);
    }
    p.tuple().mark();
    long stride = 1;
    long[] strides = new long[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = stride;
      stride *= shape[i];
    }
    for (long s : strides) {
      p.integer(s);
    }
    p.tuple().bool(false).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(ROOT + "/" + name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    e.setTime(0);
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  /** Adds the steps of a block; each {@code $} in a step's code stands for its next tensor. */
  private static void translate(Block block, NDManager manager, String learner, List<Step> steps) {
    if (block instanceof SequentialBlock) {
      for (Pair<String, Block> child : block.getChildren()) {
        translate(child.getValue(), manager, learner, steps);
      }
    } else if (block instanceof Linear) {
      List<NDArray> tensors = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        tensors.add(p.getValue().getArray());
      }
      steps.add(new Step(tensors.size() == 2 ? "torch.linear(h, $, $)" : "torch.linear(h, $)", tensors));
    } else if (block instanceof Conv2d) {
      Conv2d conv = (Conv2d) block;
      List<NDArray> tensors = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        tensors.add(p.getValue().getArray());
      }
      steps.add(new Step(String.format(Locale.ROOT, "torch.conv2d(h, $, %s, %s, %s, %s, %d)", conv.isIncludeBias() ? "$" : "None",
          list(conv.getStride()), list(conv.getPadding()), list(conv.getDilation()), conv.getGroups()), tensors));
    } else if (block instanceof BatchNorm) {
      steps.add(batchNorm((BatchNorm) block, learner));
    } else if (block instanceof Dropout) {
      return; // no-op when predicting
    } else if (block instanceof LambdaBlock) {
      steps.add(new Step(activation((LambdaBlock) block, manager, learner), List.of()));
    } else {
      throw refuse(block.getClass().getName(), learner);
    }
  }

  /** A shape as a TorchScript list of ints. */
  private static String list(ai.djl.ndarray.types.Shape shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.dimension(); i++) {
      b.append(i == 0 ? "" : ", ").append(shape.get(i));
    }
    return b.append(']').toString();
  }

  /**
   * Batch normalization as prediction computes it, with the running mean and variance. DJL's block
   * does not say its axis and epsilon: they are read from its fields (DJL's module is open to
   * reflection), and a block whose fields cannot be read is refused.
   */
  private static Step batchNorm(BatchNorm block, String learner) {
    int axis;
    float epsilon;
    boolean center;
    boolean scale;
    try {
      axis = (int) field(block, "axis");
      epsilon = (float) field(block, "epsilon");
      center = (boolean) field(block, "center");
      scale = (boolean) field(block, "scale");
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw refuse("batch normalization whose settings cannot be read (" + e + ")", learner);
    }
    if (axis != 1) {
      throw refuse("batch normalization over axis " + axis + " (TorchScript's is over axis 1, the channels)", learner);
    }
    Map<String, NDArray> p = new java.util.HashMap<>();
    for (Pair<String, Parameter> param : block.getParameters()) {
      p.put(param.getKey(), param.getValue().getArray());
    }
    NDArray gamma = scale ? p.get("gamma") : p.get("gamma").onesLike();
    NDArray beta = center ? p.get("beta") : p.get("beta").zerosLike();
    return new Step(String.format(Locale.ROOT, "torch.batch_norm(h, $, $, $, $, False, 0.1, %s, False)", Float.toString(epsilon)),
        List.of(gamma, beta, p.get("runningMean"), p.get("runningVar")));
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  private static String activation(LambdaBlock block, NDManager manager, String learner) {
    if (block.getName().startsWith("maxPool2d ")) {
      String k = block.getName().substring("maxPool2d ".length());
      return "torch.max_pool2d(h, [" + k + ", " + k + "], [" + k + ", " + k + "], [0, 0], [1, 1], False)";
    }
    switch (block.getName()) {
      case "addChannel":
        return "torch.unsqueeze(h, 1)";
      case "batchFlatten":
        return "torch.flatten(h, 1)";
      case "ReLU":
        return "torch.relu(h)";
      case "Tanh":
        return "torch.tanh(h)";
      case "sigmoid":
        return "torch.sigmoid(h)";
      case "SELU":
        return "torch.selu(h)";
      case "GELU":
        return "torch.gelu(h)";
      case "softPlus":
        return "torch.softplus(h)";
      case "Mish":
        // DJL's Mish is h * tanh(log2(1 + exp(h))), with a base-2 logarithm where Mish has the
        // natural one; the export reproduces what the network computes.
        return "torch.mul(h, torch.tanh(torch.log2(torch.add(torch.exp(h), 1))))";
      case "LeakyReLU":
        // Its slope is not recorded on the block; it is what the block makes of -1.
        return String.format(Locale.ROOT, "torch.leaky_relu(h, %s)", Float.toString(-probe(block, manager)));
      case "ELU":
        return String.format(Locale.ROOT, "torch.elu(h, %s)", Float.toString((float) (probe(block, manager) / (Math.exp(-1) - 1))));
      default:
        throw refuse("activation " + block.getName(), learner);
    }
  }

  /** The block's output for the input -1. */
  private static float probe(LambdaBlock block, NDManager parent) {
    try (NDManager manager = parent.newSubManager()) {
      NDList out = block.forward(new ParameterStore(manager, false), new NDList(manager.create(new float[] {-1f})), false);
      return out.singletonOrThrow().toFloatArray()[0];
    }
  }

  private static TorchworkException refuse(String what, String learner) {
    return new TorchworkException("The network of learner '" + learner + "' has a block TorchScript export cannot translate: "
        + what + ". Export translates networks of linear layers, 2-d convolutions, batch normalization, classif.cnn's max"
        + " pooling, dropout and the activations ReLU, LeakyReLU, ELU, SELU, GELU, sigmoid, tanh, softplus and Mish, in"
        + " sequential blocks. Serve this model with Torchwork itself (TrainedModel.load and predict), or train a learner whose"
        + " network is made of those blocks alone, such as classif.mlp or classif.cnn.");
  }
}
