package org.torchwork.callbacks.loggers;

import java.nio.file.Path;
import java.util.List;
import org.torchwork.api.Param;
import org.torchwork.api.TorchCallback;
import org.torchwork.api.spi.CallbackProvider;

/** Provides {@code csv_logger} and {@code tb}. */
public final class LoggersProvider implements CallbackProvider {
  /** {@code csv_logger}. */
  public static final TorchCallback CSV_LOGGER = TorchCallback.builder("csv_logger", CsvLogger.class)
      .label("CSV logger").description("One CSV row per epoch (or per batch) of the learning rate, loss and scores.")
      .param(Param.string("path").required().path().description("the CSV file"))
      .param(Param.bool("per_batch").defaultValue(false).description("one row per training batch"))
      .build(p -> new CsvLogger(Path.of(p.getString("path")), p.getBoolean("per_batch")));

  /** {@code tb}. */
  public static final TorchCallback TB = TorchCallback.builder("tb", TensorBoard.class)
      .label("TensorBoard").description("TensorBoard event files: train and validation scores per epoch.")
      .param(Param.string("path").required().path().description("the log directory"))
      .param(Param.bool("log_train_loss").defaultValue(false).description("also log every batch's loss"))
      .build(p -> new TensorBoard(Path.of(p.getString("path")), p.getBoolean("log_train_loss")));

  /** Creates the provider. */
  public LoggersProvider() {}

  @Override
  public List<TorchCallback> callbacks() {
    return List.of(CSV_LOGGER, TB);
  }
}
