package org.torchwork.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchwork.api.CallbackSet;
import org.torchwork.api.Context;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.TorchworkException;

/**
 * The built-in tabular learners {@code tab_resnet} and {@code ft_transformer} through the shared
 * loop, on numeric tasks, on both engines: they learn, their models save, load (on either engine)
 * and predict as before, a run resumed from a checkpoint inside an epoch ends bit for bit as an
 * uninterrupted one, data-parallel parts add up to the whole batch, and settings that cannot work
 * are refused with what to change.
 */
class TabularLearnersTest {
  private static final Platform PLATFORM = Platform.builder().build();
  private static final Task IRIS = PLATFORM.task("iris");
  /** y = a - 2b + noise, 64 rows. */
  private static final Task LINE = line();

  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static Task line() {
    Random random = new Random(1);
    int n = 64;
    float[] x = new float[2 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = (float) random.nextGaussian();
      x[2 * i + 1] = (float) random.nextGaussian();
      y[i] = (float) (x[2 * i] - 2 * x[2 * i + 1] + 0.1 * random.nextGaussian());
    }
    return Task.regr("line", "y", List.of("a", "b"), x, y);
  }

  /** Small networks, so that each run takes a fraction of a second. */
  private TorchLearner learner(String id, String engine) {
    TorchLearner l = PLATFORM.learner(id).set("engine", engine).set("epochs", 12).set("batch_size", 16).set("seed", 4)
        .set("opt.lr", 0.01).set("standardize", true);
    if (id.endsWith("ft_transformer")) {
      l.set("d_token", 16).set("attention_n_heads", 2).set("n_blocks", 2);
    } else {
      l.set("d_block", 16).set("dropout2", 0.1);
    }
    open.add(l);
    return l;
  }

  private static List<float[]> weights(TrainedModel model) {
    List<float[]> w = new ArrayList<>();
    for (Pair<String, Parameter> p : model.network().getBlock().getParameters()) {
      w.add(p.getValue().getArray().toFloatArray());
    }
    return w;
  }

  private static float[] outputs(Prediction p) {
    int k = p.hasProb() ? p.classes().size() : 1;
    float[] out = new float[p.nrow() * k];
    for (int i = 0; i < p.nrow(); i++) {
      for (int c = 0; c < k; c++) {
        out[i * k + c] = p.hasProb() ? p.prob(i, c) : p.response(i);
      }
    }
    return out;
  }

  /** Keeps the training loss of every epoch. */
  public static final class Losses extends CallbackSet {
    final List<Double> losses = new ArrayList<>();

    @Override
    public void onEpochEnd(Context ctx) {
      losses.add(ctx.trainLoss());
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"classif.tab_resnet, pytorch", "classif.tab_resnet, mxnet", "classif.ft_transformer, pytorch",
    "classif.ft_transformer, mxnet", "regr.tab_resnet, pytorch", "regr.tab_resnet, mxnet", "regr.ft_transformer, pytorch",
    "regr.ft_transformer, mxnet"})
  void learnsSavesLoadsOnEitherEngineAndPredictsAsBefore(String id, String engine) {
    boolean classif = id.startsWith("classif.");
    Task task = classif ? IRIS : LINE;
    Losses losses = new Losses();
    TorchLearner l = learner(id, engine).callbacks(TorchCallback.of("losses", Losses.class, () -> losses)).train(task);
    assertEquals(12, losses.losses.size());
    assertTrue(losses.losses.get(11) < losses.losses.get(0) / 2, "the loss falls: " + losses.losses);
    Prediction trained = l.predict(task);
    if (classif) {
      double acc = trained.score(PLATFORM.measure("classif.acc"));
      assertTrue(acc > 0.85, "far above the 1/3 of guessing: accuracy " + acc);
    } else {
      double rmse = trained.score(PLATFORM.measure("regr.rmse"));
      assertTrue(rmse < 1, "well below the sd of y (about 2.2): rmse " + rmse);
    }
    Path dir = tmp.resolve("model");
    l.model().save(dir);
    String other = engine.equals("pytorch") ? "mxnet" : "pytorch";
    try (TrainedModel same = TrainedModel.load(dir, PLATFORM, engine, null);
        TrainedModel crossed = TrainedModel.load(dir, PLATFORM, other, null)) {
      assertEquals(id, same.learner());
      float[] expected = outputs(trained);
      float[] again = outputs(same.predict(task));
      float[] crossing = outputs(crossed.predict(task));
      for (int i = 0; i < expected.length; i++) {
        // Not always bit for bit on the same engine: PyTorch takes another path through the
        // attention's batched products when the weights require gradients, as the trained
        // model's do and a loaded model's do not, and rounds the last bit differently.
        assertEquals(expected[i], again[i], 1e-6 * (1 + Math.abs(expected[i])), "the same engine predicts as before, output " + i);
        assertEquals(expected[i], crossing[i], 1e-4 * (1 + Math.abs(expected[i])), "the other engine predicts as this one, output " + i);
      }
    }
  }

  /** Saves a checkpoint after the third batch of epoch 2; counts the batches its run trains. */
  public static final class SaveInEpoch2 extends CallbackSet {
    private final Path dir;
    int batches;

    SaveInEpoch2(Path dir) {
      this.dir = dir;
    }

    @Override
    public void onBatchEnd(Context ctx) {
      batches++;
      if (ctx.epoch() == 2 && ctx.step() == 3) {
        ctx.saveCheckpoint(dir);
      }
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({"classif.tab_resnet, pytorch", "classif.tab_resnet, mxnet", "classif.ft_transformer, pytorch",
    "classif.ft_transformer, mxnet"})
  void aRunResumedInsideAnEpochEndsBitForBitAsAnUninterruptedOne(String id, String engine) {
    Path checkpoints = tmp.resolve("checkpoints");
    List<SaveInEpoch2> runs = new ArrayList<>();
    TorchCallback saver = TorchCallback.of("saver", SaveInEpoch2.class, () -> {
      runs.add(new SaveInEpoch2(checkpoints));
      return runs.get(runs.size() - 1);
    });
    // More dropout, so that a resume must draw the masks an uninterrupted run draws.
    String dropout = id.contains("resnet") ? "dropout1" : "residual_dropout";
    TorchLearner straight = learner(id, engine).set("epochs", 3).set(dropout, 0.3).callbacks(saver).train(IRIS);
    TorchLearner resumed = learner(id, engine).set("epochs", 3).set(dropout, 0.3).set("resume", checkpoints.toString())
        .callbacks(saver).train(IRIS);
    // 150 rows in batches of 16: 10 batches an epoch; the resumed run trains the last 7 of epoch 2 and epoch 3.
    assertEquals(List.of(30, 17), runs.stream().map(r -> r.batches).toList());
    List<float[]> expected = weights(straight.model());
    List<float[]> actual = weights(resumed.model());
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "parameter " + i);
    }
  }

  /** Keeps every step's gradients. */
  public static final class Gradients extends CallbackSet {
    final List<List<float[]>> steps = new ArrayList<>();

    @Override
    public void onAfterBackward(Context ctx) {
      List<float[]> step = new ArrayList<>();
      ctx.gradients().values().forEach(g -> step.add(g.toFloatArray()));
      steps.add(step);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void anFtTransformerSplitOverCopiesTrainsAsOnOneDevice(String engine) {
    List<List<List<float[]>>> runs = new ArrayList<>();
    for (int devices : new int[] {1, 2}) {
      Gradients gradients = new Gradients();
      // Without dropout: parts draw other masks than the whole batch.
      learner("classif.ft_transformer", engine).set("epochs", 1).set("devices", devices).set("attention_dropout", 0.0)
          .set("ffn_dropout", 0.0).callbacks(TorchCallback.of("gradients", Gradients.class, () -> gradients)).train(IRIS);
      runs.add(gradients.steps);
    }
    assertEquals(runs.get(0).size(), runs.get(1).size());
    for (int step = 0; step < runs.get(0).size(); step++) {
      for (int g = 0; g < runs.get(0).get(step).size(); g++) {
        float[] one = runs.get(0).get(step).get(g);
        float[] two = runs.get(1).get(step).get(g);
        for (int j = 0; j < one.length; j++) {
          assertEquals(one[j], two[j], 1e-4 * (1 + Math.abs(one[j])), "step " + (step + 1) + ", gradient " + g + ", element " + j);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aTabResNetTrainsDataParallelRepeatably(String engine) {
    List<List<float[]>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      TorchLearner l = learner("classif.tab_resnet", engine).set("devices", 2).set("epochs", 6).train(IRIS);
      runs.add(weights(l.model()));
      double acc = l.predict(IRIS).score(PLATFORM.measure("classif.acc"));
      assertTrue(acc > 0.8, "accuracy " + acc);
    }
    for (int i = 0; i < runs.get(0).size(); i++) {
      assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "parameter " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pytorch", "mxnet"})
  void aTrainingBatchOfOneRowIsRefusedByBatchNormOnEveryEngine(String engine) {
    // 150 rows in batches of 149: the last batch has one row; batches of 3 over 2 devices: parts of 2 rows and 1.
    for (Object[] settings : new Object[][] {{149, 1}, {3, 2}}) {
      TorchLearner l = learner("classif.tab_resnet", engine).set("epochs", 1).set("batch_size", settings[0])
          .set("devices", settings[1]);
      TorchworkException e = assertThrows(TorchworkException.class, () -> l.train(IRIS));
      assertEquals("Learner 'classif.tab_resnet' got a training batch of a single row, but its batch norm needs at least 2"
          + " rows per batch to normalize them. Choose a batch_size that leaves no last batch of a single row (the training"
          + " rows modulo batch_size must not be 1), and with devices=N, batches of at least 2*N rows.", e.getMessage());
    }
  }

  @Test
  void settingsThatCannotWorkAreRefusedBeforeTraining() {
    Map<String, String> cases = Map.of(
        "classif.ft_transformer d_token=30 attention_n_heads=8",
        "Parameters 'd_token' (30) and 'attention_n_heads' (8) disagree: the heads share each token's 30 numbers equally, so"
            + " d_token must be a multiple of attention_n_heads. Set d_token to 32, or attention_n_heads to a divisor of 30"
            + " such as 6.",
        "classif.tab_resnet d_hidden=64 d_hidden_multiplier=2",
        "Parameters 'd_hidden' (64) and 'd_hidden_multiplier' (2) both set the same hidden width. Set one of them: d_hidden as"
            + " a number of units, or d_hidden_multiplier as a multiple of d_block.",
        "regr.ft_transformer ffn_d_hidden_multiplier=0.001",
        "Parameter 'ffn_d_hidden_multiplier' (0.001) times d_token (192) gives a hidden width of 0 units. Choose"
            + " ffn_d_hidden_multiplier so that the width is between 1 and 2147483647, or set ffn_d_hidden instead.",
        "classif.tab_resnet n_blocks=-1",
        "Parameter 'n_blocks': -1 is out of range. It must be an integer >= 0, e.g. n_blocks=2.",
        "classif.ft_transformer ffn_activation=swiglu",
        "Parameter 'ffn_activation': 'swiglu' is not allowed. It must be one of reglu, geglu, relu, gelu, e.g."
            + " ffn_activation=reglu.");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String[] words = c.getKey().split(" ");
      TorchworkException e = assertThrows(TorchworkException.class, () -> {
        TorchLearner l = PLATFORM.learner(words[0]).set("epochs", 1).set("batch_size", 16);
        for (int i = 1; i < words.length; i++) {
          String[] kv = words[i].split("=");
          l.set(kv[0], kv[1]);
        }
        l.validate(words[0].startsWith("classif.") ? IRIS : LINE);
      }, c.getKey());
      assertEquals(c.getValue(), e.getMessage(), c.getKey());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"classif.tab_resnet, TabResNet", "classif.ft_transformer, FtTransformer"})
  void torchScriptExportIsRefusedNamingTheNetwork(String id, String block) {
    TorchLearner l = learner(id, "pytorch").set("epochs", 1).train(IRIS);
    Path file = tmp.resolve("model.pt");
    TorchworkException e = assertThrows(TorchworkException.class, () -> l.model().export(file, "torchscript"));
    assertEquals("The network of learner '" + id + "' has a block TorchScript export cannot translate:"
        + " org.torchwork.runtime.builtin." + block + ". Export translates networks of linear layers, 2-d convolutions, batch"
        + " normalization, classif.cnn's max pooling, dropout and the activations ReLU, LeakyReLU, ELU, SELU, GELU, sigmoid,"
        + " tanh, softplus and Mish, in sequential blocks. Serve this model with Torchwork itself (TrainedModel.load and"
        + " predict), or train a learner whose network is made of those blocks alone, such as classif.mlp or classif.cnn.",
        e.getMessage());
    assertTrue(!file.toFile().exists(), "nothing written");
  }
}
