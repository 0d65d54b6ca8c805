package org.torchwork.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's mixed table, end to end with the command: a semicolon-separated file with text
 * categories, empty and NA cells, an id column, a free-text and a date column is described,
 * trained on, predicted (ids first, an unseen level reported) and resampled, with no preparation
 * by hand.
 */
class MixedTableIT {
  static final Path CLINIC = Dist.REPO.resolve("examples/data/clinic.csv");
  static final Path NEW = Dist.REPO.resolve("examples/data/clinic-new.csv");
  static final String[] TABLE = {"--task", CLINIC.toString(), "--target", "readmitted", "--id", "patient"};

  @TempDir Path tmp;

  /** A command on the table, then more arguments. */
  private static String[] on(String command, String... more) {
    String[] all = new String[1 + TABLE.length + more.length];
    all[0] = command;
    System.arraycopy(TABLE, 0, all, 1, TABLE.length);
    System.arraycopy(more, 0, all, 1 + TABLE.length, more.length);
    return all;
  }

  @Test
  void theFileIsDescribedColumnByColumnBeforeTraining() {
    Dist.Result r = Dist.torchwork(null, "tasks", CLINIC.toString(), "--target", "readmitted", "--id", "patient", "--json");
    assertEquals(0, r.exit(), r.toString());
    JsonObject doc = new Gson().fromJson(r.out(), JsonObject.class);
    assertEquals(";", doc.get("separator").getAsString());
    Map<String, JsonObject> columns = new HashMap<>();
    for (JsonElement c : doc.getAsJsonArray("columns")) {
      columns.put(c.getAsJsonObject().get("name").getAsString(), c.getAsJsonObject());
    }
    assertEquals("id", columns.get("patient").get("role").getAsString());
    assertEquals("target", columns.get("readmitted").get("role").getAsString());
    assertEquals("categorical", columns.get("region").get("type").getAsString());
    assertEquals("integer", columns.get("age").get("type").getAsString());
    assertTrue(columns.get("age").get("missing").getAsInt() > 0, "NA ages: " + columns.get("age"));
    assertTrue(columns.get("bmi").get("missing").getAsInt() > 0, "empty BMIs: " + columns.get("bmi"));
    assertEquals("date", columns.get("last_visit").get("type").getAsString());
    assertEquals("left out", columns.get("last_visit").get("role").getAsString());
    assertEquals("text", columns.get("notes").get("type").getAsString());
    assertTrue(doc.get("dropped").getAsInt() > 0, "rows without a target: " + doc);

    Dist.Result text = Dist.torchwork(null, "tasks", CLINIC.toString(), "--target", "readmitted");
    assertEquals(0, text.exit(), text.toString());
    assertTrue(text.out().contains("note: column 'notes' is left out: it looks like free text or ids"), text.out());
  }

  @Test
  void itTrainsPredictsWithIdsAndResamplesWithNoPreparationByHand() throws IOException {
    Path model = tmp.resolve("clinic-model");
    Dist.Result train = Dist.torchwork(null, on("train", "--learner", "classif.mlp", "--set", "epochs=25", "--set", "batch_size=32",
        "--set", "neurons=32", "--set", "seed=3", "--set", "standardize=true", "--save", model.toString(), "--score", "classif.acc"));
    assertEquals(0, train.exit(), train.toString());
    assertTrue(train.err().contains("column 'last_visit' is left out: it holds dates or times"), train.err());
    assertTrue(train.out().contains("on task clinic ("), train.out());
    double acc = Double.parseDouble(train.out().lines().filter(l -> l.trim().startsWith("classif.acc = ")).findFirst().orElseThrow()
        .trim().substring("classif.acc = ".length()));
    assertTrue(acc > 0.62, "learns more than the majority class (about 0.6): " + acc);
    String json = Files.readString(model.resolve("model.json"));
    assertTrue(json.contains("\"id\": \"patient\""), json);
    assertTrue(json.contains("\"name\": \"region\""), json);

    Path out = tmp.resolve("predictions.csv");
    Dist.Result predict = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", NEW.toString(), "--out",
        out.toString());
    assertEquals(0, predict.exit(), predict.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals("patient,response,prob.no,prob.yes", lines.get(0));
    assertEquals(21, lines.size());
    assertTrue(lines.get(1).startsWith("P0401,"), lines.get(1));
    assertTrue(predict.err().contains("have levels of feature 'region' the model never saw in training (central: "), predict.err());

    Path changed = tmp.resolve("changed.csv");
    Files.writeString(changed, Files.readString(NEW).replaceFirst(";\\d+;(F|M);", ";old;$1;"));
    Dist.Result refused = Dist.torchwork(null, "predict", "--model", model.toString(), "--data", changed.toString());
    assertTrue(refused.exit() != 0, refused.toString());
    assertTrue(refused.err().contains("column 'age': 'old' is not a number, but the model was trained on 'age' as numbers: the"
        + " column's type has changed."), refused.err());

    Dist.Result resample = Dist.torchwork(null, on("resample", "--learner", "classif.mlp", "--set", "epochs=5", "--set",
        "batch_size=32", "--folds", "3", "--score", "classif.acc", "--json"));
    assertEquals(0, resample.exit(), resample.toString());
    JsonArray splits = new Gson().fromJson(resample.out(), JsonObject.class).getAsJsonArray("folds");
    assertEquals(3, splits.size(), resample.out());
  }
}
