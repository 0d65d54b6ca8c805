package org.torchwork.it;

import static org.torchwork.runtime.Torchwork.clbk;
import static org.torchwork.runtime.Torchwork.lrn;
import static org.torchwork.runtime.Torchwork.msr;
import static org.torchwork.runtime.Torchwork.tsk;

import org.torchwork.api.Task;
import org.torchwork.api.TorchCallback;
import org.torchwork.runtime.TorchLearner;

/**
 * The vignette's steps through the Java API: an application on the class path, Torchwork and
 * DJL on the module path, the custom logger from the plugins directory.
 */
public final class VignetteApp {
  private VignetteApp() {}

  public static void main(String[] args) {
    TorchCallback history = clbk("history");
    System.out.println(history);
    TorchCallback logger = clbk("custom_logger");
    System.out.println(logger);
    System.out.println("stages " + logger.stages());
    Task task = tsk("iris");
    try (TorchLearner mlp = lrn("classif.mlp", "epochs", 5, "batch_size", 64, "neurons", 20, "seed", 3)) {
      mlp.callbacks(logger, history).set("cb.custom_logger.alpha", 0.05);
      mlp.train(task);
      System.out.println("state " + mlp.model().callbacks().get("custom_logger"));
      System.out.println("history rows " + ((java.util.List<?>) mlp.model().callbacks().get("history")).size());
      System.out.println("acc " + mlp.predict(task).score(msr("classif.acc")));
    }
  }
}
