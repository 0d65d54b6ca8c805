/**
 * The Torchwork runtime: the training loop on DJL, the built-in learners ({@code classif.mlp},
 * {@code regr.mlp}, {@code *.tab_resnet}, {@code *.ft_transformer}, {@code *.featureless}), tasks
 * ({@code iris}, CSV files), measures and losses, the registries that resolve ids through
 * {@link java.util.ServiceLoader}, and the plugin layers.
 *
 * <p>Applications compile against this module; start with {@link org.torchwork.runtime.Torchwork}.
 */
module org.torchwork.runtime {
  requires transitive org.torchwork.api;
  requires transitive org.torchwork.data;
  requires org.slf4j;
  requires com.google.gson;
  requires ai.djl.model_zoo;

  exports org.torchwork.runtime;
  exports org.torchwork.runtime.tune;

  // Checkpoint and model metadata are records that Gson reads and writes reflectively.
  opens org.torchwork.runtime.store to com.google.gson;

  uses org.torchwork.api.spi.CallbackProvider;
  uses org.torchwork.api.spi.LearnerProvider;
  uses org.torchwork.api.spi.BackendProvider;
  uses org.torchwork.api.spi.TaskProvider;
  uses org.torchwork.api.spi.MeasureProvider;
  uses org.torchwork.api.spi.LossProvider;
  uses org.torchwork.runtime.tune.TrialExecutorProvider;

  provides org.torchwork.api.spi.LearnerProvider with
      org.torchwork.runtime.builtin.MlpLearners,
      org.torchwork.runtime.builtin.FeaturelessLearners,
      org.torchwork.runtime.builtin.TabResNetLearners,
      org.torchwork.runtime.builtin.FtTransformerLearners,
      org.torchwork.runtime.builtin.CnnLearners,
      org.torchwork.runtime.builtin.ResNetLearners;
  provides org.torchwork.api.spi.TaskProvider with
      org.torchwork.runtime.builtin.BuiltinTasks;
  provides org.torchwork.api.spi.MeasureProvider with
      org.torchwork.runtime.builtin.BuiltinMeasures;
  provides org.torchwork.api.spi.LossProvider with
      org.torchwork.runtime.builtin.BuiltinLosses;
}
