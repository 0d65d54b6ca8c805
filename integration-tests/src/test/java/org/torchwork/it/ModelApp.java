package org.torchwork.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.torchwork.api.Prediction;
import org.torchwork.api.Task;
import org.torchwork.runtime.TrainedModel;
import org.torchwork.runtime.Torchwork;

/**
 * An application that reloads a saved model through the Java API and predicts a CSV of features
 * it reads itself: one line per row, the response and the class probabilities.
 */
public final class ModelApp {
  private ModelApp() {}

  public static void main(String[] args) throws IOException {
    List<String> lines = Files.readAllLines(Path.of(args[1]));
    try (TrainedModel model = Torchwork.load(Path.of(args[0]))) {
      List<String> header = List.of(lines.get(0).split(","));
      int p = header.size();
      float[] x = new float[(lines.size() - 1) * p];
      for (int i = 1; i < lines.size(); i++) {
        String[] cells = lines.get(i).split(",");
        for (int j = 0; j < p; j++) {
          x[(i - 1) * p + j] = Float.parseFloat(cells[j]);
        }
      }
      Prediction prediction = model.predict(Task.unlabeled("new", header, x), 1024);
      System.out.println("loaded " + model.learner() + " trained on " + model.trainedOn() + ", now on " + model.backend());
      for (int i = 0; i < prediction.nrow(); i++) {
        StringBuilder row = new StringBuilder().append(i + 1).append(',').append(prediction.responseLabel(i));
        for (int c = 0; c < model.classes().size(); c++) {
          row.append(',').append(prediction.prob(i, c));
        }
        System.out.println(row);
      }
    }
  }
}
