package org.torchwork.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchwork.api.TorchworkException;

/** Sizes that cannot fit are refused with the number and the limit, before any work. */
class LimitsTest {
  @TempDir Path tmp;

  @Test
  void aBatchWhoseFeaturesOverflowAnArrayIsRefused() {
    Limits.checkBatch(Integer.MAX_VALUE, 150, 4);
    TorchworkException e = assertThrows(TorchworkException.class, () -> Limits.checkBatch(100_000_000, 200_000_000, 100));
    assertEquals("batch_size=100000000 gives batches of 100000000 rows x 100 features = 10000000000 values, more than one"
        + " array holds (2147483639). Set batch_size to at most 21474836.", e.getMessage());
  }

  @Test
  void aNetworkLargerThanTheMachineIsRefused() {
    Limits.checkNetwork("classif.mlp", 1_000_000, 8L << 30);
    Limits.checkNetwork("classif.mlp", -1, 8L << 30);
    TorchworkException e = assertThrows(TorchworkException.class, () -> Limits.checkNetwork("classif.mlp", 1L << 30, 8L << 30));
    assertEquals("The network of learner 'classif.mlp' has 1073741824 parameters; training it needs about 16.0 GiB (weights,"
        + " gradients and optimizer state), more than this machine's 8.0 GiB of memory. Use fewer or smaller layers (neurons,"
        + " layers).", e.getMessage());
  }

  @Test
  void aDataFileLargerThanTheHeapIsRefused() throws IOException {
    Path file = tmp.resolve("big.csv");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(3L << 20);
    }
    Limits.checkFileFits(file, "Task file", 4L << 20);
    TorchworkException e = assertThrows(TorchworkException.class, () -> Limits.checkFileFits(file, "Task file", 2L << 20));
    assertEquals("Task file " + file + " is 3.0 MiB, larger than Java's heap (2.0 MiB), so its rows cannot be held in memory."
        + " Give Java more (TORCHWORK_JAVA_OPTS=-Xmx2g), or train on a sample of the rows.", e.getMessage());
  }
}
