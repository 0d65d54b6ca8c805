package org.torchwork.runtime.builtin;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.TaskType;
import org.torchwork.api.TorchworkException;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkFactory;
import org.torchwork.api.spi.NetworkShape;

/**
 * The multi-layer perceptrons {@code classif.mlp} and {@code regr.mlp}, with mlr3torch's
 * parameters: {@code neurons}, {@code layers}, {@code activation} and {@code dropout} (mlr3torch's
 * {@code p}). Each hidden layer is linear, then the activation, then dropout.
 */
public final class MlpLearners implements LearnerProvider {

  static final List<String> ACTIVATIONS =
      List.of("relu", "tanh", "sigmoid", "leaky_relu", "elu", "selu", "gelu", "softplus", "mish");

  static final ParamSet PARAMS =
      ParamSet.of(
          Param.integers("neurons").min(1).defaultValue(List.of())
              .description("units of each hidden layer, e.g. 64,32; none gives a linear model").build(),
          Param.integer("layers").min(0)
              .description("number of hidden layers; repeats a single neurons value").build(),
          Param.choice("activation", ACTIVATIONS.toArray(String[]::new)).defaultValue("relu")
              .description("activation after each hidden layer").build(),
          Param.number("dropout").min(0).lessThan(1).defaultValue(0.5)
              .description("dropout probability after each hidden layer (mlr3torch: p)").build());

  /** Creates the provider. */
  public MlpLearners() {}

  @Override
  public List<LearnerSpec> learners() {
    return List.of(
        LearnerSpec.of("classif.mlp", "Multi Layer Perceptron", TaskType.CLASSIF, PARAMS, NETWORK),
        LearnerSpec.of("regr.mlp", "Multi Layer Perceptron", TaskType.REGR, PARAMS, NETWORK));
  }

  private static final NetworkFactory NETWORK = new NetworkFactory() {
    @Override
    public Block create(NetworkShape shape, ParamValues params) {
      return network(shape, params);
    }

    @Override
    public long parameterCount(NetworkShape shape, ParamValues params) {
      long count = 0;
      long in = shape.inputs();
      for (int units : hiddenLayers(params)) {
        count += (in + 1) * units;
        in = units;
      }
      return count + (in + 1) * shape.outputs();
    }
  };

  static List<Integer> hiddenLayers(ParamValues params) {
    List<Integer> neurons = params.getList("neurons", Integer.class);
    if (!params.has("layers")) {
      return neurons;
    }
    int layers = params.getInt("layers");
    if (neurons.size() == 1) {
      return Collections.nCopies(layers, neurons.get(0));
    }
    if (neurons.size() != layers) {
      throw new TorchworkException(
          "Parameters 'layers' (" + layers + ") and 'neurons' (" + neurons.size() + " values) disagree. Give"
              + " one neurons value to repeat it layers times, or one value per layer and no layers.");
    }
    return neurons;
  }

  private static Block network(NetworkShape shape, ParamValues params) {
    SequentialBlock net = new SequentialBlock();
    Layers.flattenTensors(net, shape);
    double dropout = params.getDouble("dropout");
    String activation = params.getString("activation");
    for (int units : new ArrayList<>(hiddenLayers(params))) {
      net.add(Linear.builder().setUnits(units).build());
      net.add(activation(activation));
      if (dropout > 0) {
        net.add(Dropout.builder().optRate((float) dropout).build());
      }
    }
    net.add(Linear.builder().setUnits(shape.outputs()).build());
    // PyTorch's default for nn.Linear weights (kaiming uniform, a = sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    net.setInitializer(new XavierInitializer(RandomType.UNIFORM, FactorType.IN, 1), Parameter.Type.WEIGHT);
    return net;
  }

  static Block activation(String name) {
    switch (name) {
      case "relu":
        return Activation.reluBlock();
      case "tanh":
        return Activation.tanhBlock();
      case "sigmoid":
        return Activation.sigmoidBlock();
      case "leaky_relu":
        return Activation.leakyReluBlock(0.01f);
      case "elu":
        return Activation.eluBlock(1f);
      case "selu":
        return Activation.seluBlock();
      case "gelu":
        return Activation.geluBlock();
      case "softplus":
        return Activation.softPlusBlock();
      case "mish":
        return Activation.mishBlock();
      default:
        throw new AssertionError(name);
    }
  }
}
