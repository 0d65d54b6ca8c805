package org.torchwork.examples.convnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.torchwork.api.Task;
import org.torchwork.runtime.Platform;
import org.torchwork.testkit.TestKit;

/** Trains the learner for real on images made here, through the test kit. */
class ConvNetTest {
  /** Gray 8 x 8 images: a bright stripe, across (class h) or down (class v), with noise. */
  static Task stripes(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * 64];
    int[] y = new int[n];
    List<String> features = new ArrayList<>();
    for (int j = 1; j <= 64; j++) {
      features.add("pixel" + j);
    }
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(2);
      int at = r.nextInt(8);
      for (int row = 0; row < 8; row++) {
        for (int col = 0; col < 8; col++) {
          boolean lit = y[i] == 0 ? row == at : col == at;
          x[i * 64 + row * 8 + col] = (lit ? 0.8f : 0.1f) + r.nextFloat() * 0.2f;
        }
      }
    }
    return Task.classif("stripes", "direction", features, List.of("h", "v"), x, y).withRowShape(1, 8, 8);
  }

  @Test
  void learnsImagesWithTheLoopsCallbacks() {
    Platform platform = Platform.builder().build();
    try (TestKit.Result r = TestKit.learner("classif.conv_net").task(stripes(200, 1))
        .param("epochs", 5).param("batch_size", 16).param("opt.lr", 0.01).param("seed", 2)
        .with(platform.callback("history"))
        .run()) {
      assertTrue(r.failure().isEmpty(), () -> r.failure().get().toString());
      double acc = r.learner().predict(stripes(100, 2)).score(platform.measure("classif.acc"));
      assertTrue(acc > 0.9, "accuracy on new images " + acc);
    }
  }

  @Test
  void itsParametersAreCheckedLikeAnyLearnersAndTablesAreRefused() {
    try (TestKit.Result r = TestKit.learner("classif.conv_net").task(stripes(20, 3)).param("blocks", 7).run()) {
      assertEquals("Parameter 'blocks': 7 is out of range. It must be an integer in [1, 6], e.g. blocks=2.",
          r.failure().orElseThrow().getMessage());
    }
    try (TestKit.Result r = TestKit.learner("classif.conv_net").param("epochs", 1).param("batch_size", 8).run()) {
      assertTrue(r.failure().orElseThrow().getMessage().startsWith("Learner 'classif.conv_net' takes images"),
          r.failure().orElseThrow().getMessage());
    }
  }
}
