package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar adds a loss by id, as callbacks are added: `torchwork losses` lists it, every
 * learner of its task type takes its parameters as loss.&lt;param&gt;, a run trains with it, and the
 * same id from two jars is refused naming both.
 */
class LossPluginIT {
  @TempDir Path tmp;

  private Path data() throws IOException {
    StringBuilder csv = new StringBuilder("x1,x2,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i / 10.0).append(',').append(i % 5).append(',').append(2 * (i / 10.0) - (i % 5) / 2.0).append('\n');
    }
    return Files.writeString(tmp.resolve("data.csv"), csv);
  }

  @Test
  void aPluginLossIsListedTakesItsParametersAndTrains() throws IOException {
    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Path jar = PluginJars.build("quantile-loss", true, plugins.resolve("quantile-loss.jar"));
    Dist.Result list = Dist.torchwork(plugins, "losses");
    assertEquals(0, list.exit(), list.toString());
    assertTrue(list.outLines().stream().anyMatch(l -> l.matches("quantile +Quantile +regr +loss\\.q=0\\.5 +plugin "
        + java.util.regex.Pattern.quote(jar.toString()) + ".*")), list.toString());
    assertTrue(list.outLines().stream().anyMatch(l -> l.matches("huber +Huber +regr +loss\\.delta=1 +module org\\.torchwork\\.runtime.*")),
        list.toString());
    Dist.Result mlp = Dist.torchwork(plugins, "learners", "regr.mlp");
    assertTrue(mlp.outLines().contains("    loss.q: a number in [0, 1], default 0.5 - quantile: the quantile to predict"), mlp.toString());

    Dist.Result train = Dist.torchwork(plugins, "train", "--json", "--task", data().toString(), "--target", "y", "--learner",
        "regr.mlp", "--set", "loss=quantile", "--set", "loss.q=0.9", "--set", "epochs=2", "--set", "batch_size=8", "--set",
        "seed=1");
    assertEquals(0, train.exit(), train.toString());
    JsonObject params = JsonParser.parseString(train.out()).getAsJsonObject().getAsJsonObject("params");
    assertEquals("quantile", params.get("loss").getAsString());
    assertEquals(0.9, params.get("loss.q").getAsDouble());

    Dist.Result classif = Dist.torchwork(plugins, "train", "--task", "iris", "--learner", "classif.mlp", "--set", "loss=quantile",
        "--set", "epochs=1", "--set", "batch_size=50");
    assertEquals(2, classif.exit(), classif.toString());
    assertTrue(classif.err().contains("Parameter 'loss': loss 'quantile' is for regr tasks, but learner 'classif.mlp' is a classif"
        + " learner. Use a loss for classif tasks: cross_entropy, focal."), classif.toString());

    Path copy = Files.copy(jar, plugins.resolve("quantile-copy.jar"));
    Dist.Result twice = Dist.torchwork(plugins, "train", "--task", data().toString(), "--target", "y", "--learner", "regr.mlp",
        "--set", "loss=quantile", "--set", "epochs=1", "--set", "batch_size=8");
    assertEquals(2, twice.exit(), twice.toString());
    assertTrue(twice.err().contains("Duplicate loss id 'quantile': provided by plugin "), twice.toString());
    assertTrue(twice.err().contains(jar.toString()) && twice.err().contains(copy.toString()), twice.toString());
  }
}
