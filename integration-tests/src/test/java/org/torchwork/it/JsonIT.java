package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --json} prints one JSON document on standard output, for every command; parsed here, not grepped. */
class JsonIT {
  private static JsonObject json(Dist.Result r) {
    JsonElement e = new Gson().fromJson(r.out(), JsonElement.class);
    assertTrue(e != null && e.isJsonObject(), "one JSON object on standard output:\n" + r);
    return e.getAsJsonObject();
  }

  private static Dist.Result torchwork(String... args) {
    return Dist.torchwork(Dist.REPO_PLUGINS, args);
  }

  @Test
  void trainGivesTheChoicesHistoryStatesEndAndScoresWhileCallbackOutputGoesToStandardError() {
    Dist.Result r = torchwork("train", "--json", "--task", "iris", "--learner", "classif.mlp", "--callbacks",
        "custom_logger,history", "--set", "epochs=3", "--set", "batch_size=50", "--set", "seed=7", "--score", "classif.acc");
    assertEquals(0, r.exit(), r.toString());
    JsonObject doc = json(r);
    assertEquals("train", doc.get("command").getAsString());
    assertEquals("classif.mlp", doc.get("learner").getAsString());
    assertEquals(150, doc.getAsJsonObject("task").get("rows").getAsInt());
    JsonObject choice = doc.getAsJsonObject("choice");
    assertEquals("pytorch", choice.get("engine").getAsString());
    assertEquals("default auto: first available", choice.get("engine_source").getAsString());
    assertEquals("cpu", choice.get("device").getAsString());
    assertEquals(7, doc.get("seed").getAsInt());
    assertEquals(3, doc.get("epochs").getAsInt());
    JsonObject end = doc.getAsJsonObject("end");
    assertEquals("completed", end.get("kind").getAsString());
    assertEquals("all 3 epochs done", end.get("description").getAsString());
    JsonArray history = doc.getAsJsonArray("history");
    assertEquals(3, history.size());
    assertEquals(3, history.get(2).getAsJsonObject().get("epoch").getAsInt());
    assertTrue(doc.getAsJsonObject("callbacks").has("custom_logger"));
    double acc = doc.getAsJsonObject("scores").get("classif.acc").getAsDouble();
    assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
    assertTrue(doc.get("seconds").getAsDouble() > 0);
    assertTrue(r.err().contains("Epoch 3: "), "custom_logger printed to standard error: " + r);
  }

  @Test
  void everyListingCommandGivesOneDocument() {
    JsonObject engines = json(torchwork("engines", "--json"));
    assertEquals(List.of("pytorch", "mxnet"), List.of(
        engines.getAsJsonArray("backends").get(0).getAsJsonObject().get("id").getAsString(),
        engines.getAsJsonArray("backends").get(1).getAsJsonObject().get("id").getAsString()));
    JsonObject plugins = json(torchwork("plugins", "--json"));
    assertTrue(plugins.getAsJsonArray("plugins").size() >= 1);
    assertEquals("LOADED", plugins.getAsJsonArray("plugins").get(0).getAsJsonObject().get("status").getAsString());
    JsonObject callbacks = json(torchwork("callbacks", "checkpoint", "--json"));
    JsonObject checkpoint = callbacks.getAsJsonArray("callbacks").get(0).getAsJsonObject();
    assertEquals("checkpoint", checkpoint.get("id").getAsString());
    assertEquals("Infinity", checkpoint.get("weight").getAsString(), "a number JSON cannot hold is a string");
    assertTrue(checkpoint.getAsJsonArray("params").size() >= 4);
    JsonObject schedule = json(torchwork("schedule", "history,checkpoint", "--json"));
    assertEquals("checkpoint", schedule.getAsJsonObject("stages").getAsJsonArray("on_begin").get(0).getAsJsonObject()
        .get("id").getAsString());
    JsonObject learners = json(torchwork("--json", "learners", "classif.mlp"));
    assertEquals("opt.lr", learners.getAsJsonArray("learners").get(0).getAsJsonObject().getAsJsonArray("params")
        .asList().stream().map(p -> p.getAsJsonObject().get("id").getAsString()).filter("opt.lr"::equals).findFirst()
        .orElseThrow());
    assertTrue(json(torchwork("measures", "--json")).getAsJsonArray("measures").size() >= 6);
    JsonObject huber = json(torchwork("losses", "huber", "--json")).getAsJsonArray("losses").get(0).getAsJsonObject();
    assertEquals("regr", huber.getAsJsonArray("tasks").get(0).getAsString());
    assertEquals("loss.delta", huber.getAsJsonArray("params").get(0).getAsJsonObject().get("id").getAsString());
    assertEquals(7, json(torchwork("losses", "--json")).getAsJsonArray("losses").size());
  }

  @Test
  void anErrorIsADocumentTooWithTheExitStatus() {
    Dist.Result r = torchwork("train", "--json", "--task", "iris", "--learner", "classif.mpl", "--set", "epochs=1");
    assertEquals(2, r.exit(), r.toString());
    JsonObject doc = json(r);
    assertEquals(2, doc.get("status").getAsInt());
    assertTrue(doc.get("error").getAsString().startsWith("Unknown learner 'classif.mpl'."), doc.toString());
    assertTrue(r.err().startsWith("error: Unknown learner 'classif.mpl'."), r.toString());
  }
}
