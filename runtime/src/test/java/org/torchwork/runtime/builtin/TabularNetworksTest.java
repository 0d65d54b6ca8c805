package org.torchwork.runtime.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.ParamSet;
import org.torchwork.api.ParamValues;
import org.torchwork.api.spi.LearnerProvider;
import org.torchwork.api.spi.LearnerSpec;
import org.torchwork.api.spi.NetworkShape;

/**
 * The tabular networks as blocks, with categorical inputs (which the training loop hands them once
 * the data layer encodes categories as level indices): forward and backward passes with numeric,
 * categorical and mixed inputs, an embedding that learns a target only a categorical input
 * determines, and parameter counts against the built networks', on both engines.
 */
class TabularNetworksTest {
  private static final Map<String, String> ENGINES = Map.of("pytorch", "PyTorch", "mxnet", "MXNet");

  /** Small settings, so that every test runs in well under a second. */
  private static final Map<String, Map<String, Object>> SMALL = Map.of(
      "tab_resnet", Map.of("d_block", 16, "d_embedding", 4, "n_blocks", 2, "dropout1", 0.2, "dropout2", 0.1),
      "ft_transformer", Map.of("d_token", 8, "attention_n_heads", 2, "n_blocks", 2));

  static LearnerSpec spec(String id) {
    LearnerProvider provider = id.endsWith("tab_resnet") ? new TabResNetLearners() : new FtTransformerLearners();
    return provider.learners().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  static ParamValues values(LearnerSpec spec, Map<String, Object> settings) {
    return spec.params().resolve(settings, "");
  }

  /** A shape: {@code numeric} numbers then categorical inputs of the given levels. */
  static NetworkShape shape(int numeric, int outputs, Integer... levels) {
    return new NetworkShape(numeric + levels.length, outputs, List.of(levels));
  }

  /** Rows of standard normal numbers, then level indices drawn uniformly. */
  static float[] rows(Random random, int n, NetworkShape shape) {
    int p = shape.inputs();
    float[] x = new float[n * p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i * p + j] = j < shape.numeric() ? (float) random.nextGaussian()
            : random.nextInt(shape.categories().get(j - shape.numeric()));
      }
    }
    return x;
  }

  private static long parameters(Block block) {
    long count = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      count += p.getValue().getArray().getShape().size();
    }
    return count;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "pytorch, tab_resnet, numeric", "pytorch, tab_resnet, categorical", "pytorch, tab_resnet, mixed",
    "mxnet, tab_resnet, numeric", "mxnet, tab_resnet, categorical", "mxnet, tab_resnet, mixed",
    "pytorch, ft_transformer, numeric", "pytorch, ft_transformer, categorical", "pytorch, ft_transformer, mixed",
    "mxnet, ft_transformer, numeric", "mxnet, ft_transformer, categorical", "mxnet, ft_transformer, mixed"})
  void aBatchGoesForwardAndEveryTrainedParameterGetsAGradient(String engine, String network, String inputs) {
    NetworkShape shape = switch (inputs) {
      case "numeric" -> shape(4, 3);
      case "categorical" -> shape(0, 3, 5, 2, 7);
      default -> shape(3, 3, 4, 6);
    };
    LearnerSpec spec = spec("classif." + network);
    ParamValues p = values(spec, SMALL.get(network));
    int n = 12;
    Engine.getEngine(ENGINES.get(engine)).setRandomSeed(11);
    try (Model model = Model.newInstance("t", Device.cpu(), ENGINES.get(engine))) {
      Block block = spec.network().create(shape, p);
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
        trainer.initialize(new Shape(n, shape.inputs()));
        assertEquals(spec.network().parameterCount(shape, p), parameters(block), "the count the factory gives without building it");
        NDManager m = trainer.getManager();
        NDArray x = m.create(rows(new Random(3), n, shape), new Shape(n, shape.inputs()));
        NDArray y = m.create(new float[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2});
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
          assertEquals(new Shape(n, 3), out.getShape());
          NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(out));
          assertTrue(Float.isFinite(loss.getFloat()), "loss " + loss);
          collector.backward(loss);
        }
        for (Pair<String, Parameter> param : block.getParameters()) {
          if (param.getValue().requiresGradient()) {
            float size = param.getValue().getArray().getGradient().abs().sum().getFloat();
            assertTrue(size > 0, param.getKey() + " got no gradient");
          }
        }
        // Predicting one row: batch norm then uses its running statistics.
        NDArray one = m.create(rows(new Random(4), 1, shape), new Shape(1, shape.inputs()));
        assertEquals(new Shape(1, 3), block.forward(new ParameterStore(m, false), new NDList(one), false).singletonOrThrow().getShape());
      }
    }
  }
  /** The class of each of 10 levels: no order or arithmetic of the level numbers gives it. */
  private static final int[] CLASS_OF_LEVEL = {2, 0, 1, 1, 2, 0, 0, 2, 1, 0};

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"pytorch, tab_resnet", "mxnet, tab_resnet", "pytorch, ft_transformer", "mxnet, ft_transformer"})
  void anEmbeddingLearnsATargetThatOnlyACategoricalInputGives(String engine, String network) {
    // A numeric input of noise and a categorical input of 10 levels, 20 rows each; 40 full-batch steps.
    NetworkShape shape = shape(1, 3, 10);
    int n = 200;
    Random random = new Random(5);
    float[] x = new float[n * 2];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) random.nextGaussian();
      x[2 * i + 1] = i % 10;
      y[i] = CLASS_OF_LEVEL[i % 10];
    }
    LearnerSpec spec = spec("classif." + network);
    Map<String, Object> settings = new LinkedHashMap<>(SMALL.get(network));
    settings.put("n_blocks", 1);
    if (network.equals("ft_transformer")) {
      // Tokens of 8 learn it too, but from some starting points only in more steps.
      settings.put("d_token", 16);
    }
    Engine.getEngine(ENGINES.get(engine)).setRandomSeed(7);
    try (Model model = Model.newInstance("t", Device.cpu(), ENGINES.get(engine))) {
      Block block = spec.network().create(shape, values(spec, settings));
      model.setBlock(block);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.02f)).build();
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam))) {
        trainer.initialize(new Shape(n, 2));
        NDManager m = trainer.getManager();
        NDArray features = m.create(x, new Shape(n, 2));
        NDArray truth = m.create(y);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < 40; step++) {
          try (NDManager scope = m.newSubManager(); GradientCollector collector = trainer.newGradientCollector()) {
            scope.tempAttachAll(features, truth);
            NDArray loss = trainer.getLoss().evaluate(new NDList(truth), trainer.forward(new NDList(features)));
            collector.backward(loss);
            losses.add(loss.getFloat());
          }
          trainer.step();
        }
        float[] scores = block.forward(new ParameterStore(m, false), new NDList(features), false).singletonOrThrow()
            .argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
        int right = 0;
        for (int i = 0; i < n; i++) {
          right += scores[i] == y[i] ? 1 : 0;
        }
        assertTrue(right >= 0.95 * n, "accuracy " + right + "/" + n + " after 40 steps; losses " + losses);
      }
    }
  }

  @Test
  void theCountsOfTheFactoriesAreTheBuiltNetworksCounts() {
    List<NetworkShape> shapes = List.of(shape(4, 3), shape(0, 1, 3), shape(2, 1, 5, 2, 9), shape(1, 2, 1));
    List<Map<String, Object>> tabResNets = List.of(Map.of(), Map.of("n_blocks", 0), Map.of("d_hidden", 5, "d_embedding", 3),
        Map.of("d_hidden_multiplier", 0.5, "d_block", 7, "n_blocks", 3));
    List<Map<String, Object>> ftTransformers = List.of(Map.of("d_token", 16), Map.of("n_blocks", 0, "d_token", 8),
        Map.of("d_token", 12, "attention_n_heads", 3, "ffn_activation", "relu", "ffn_d_hidden", 5),
        Map.of("d_token", 8, "prenormalization", false, "ffn_activation", "geglu", "ffn_d_hidden_multiplier", 1.5, "n_blocks", 1),
        Map.of("d_token", 8, "ffn_activation", "gelu", "n_blocks", 2));
    int checked = 0;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      for (String id : List.of("classif.tab_resnet", "regr.ft_transformer")) {
        LearnerSpec spec = spec(id);
        for (Map<String, Object> settings : id.endsWith("tab_resnet") ? tabResNets : ftTransformers) {
          ParamValues p = values(spec, settings);
          for (NetworkShape shape : shapes) {
            Block block = spec.network().create(shape, p);
            block.setInitializer(Initializer.ZEROS, q -> true);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, shape.inputs()));
            assertEquals(parameters(block), spec.network().parameterCount(shape, p), id + " " + settings + " " + shape);
            checked++;
          }
        }
      }
    }
    assertEquals(36, checked);
  }
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void eachCategoricalInputLooksUpItsOwnLevelsAndAddsItsBias(String engine) {
    // One numeric input, then inputs of 3 and 4 levels: table rows 0-2 are the first's, 3-6 the second's.
    NetworkShape shape = shape(1, 2, 3, 4);
    try (NDManager m = NDManager.newBaseManager(ENGINES.get(engine))) {
      LevelEmbedding embedding = new LevelEmbedding(1, shape.categories(), 2, true, Initializer.ZEROS);
      embedding.initialize(m, DataType.FLOAT32, new Shape(2, 3));
      // Table row r is (r, -r); the inputs' biases are (100, 0) and (200, 0).
      embedding.getParameters().get("weight").getArray().set(new float[] {0, 0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6});
      embedding.getParameters().get("bias").getArray().set(new float[] {100, 0, 200, 0});
      NDArray x = m.create(new float[] {0.5f, 2, 3, 9, 0, 1}, new Shape(2, 3));
      NDArray out = embedding.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      assertEquals(new Shape(2, 2, 2), out.getShape());
      assertArrayEquals(new float[] {102, -2, 206, -6, 100, 0, 204, -4}, out.toFloatArray());
    }
  }
}
