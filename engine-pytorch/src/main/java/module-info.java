/**
 * Backend {@code pytorch}: DJL's PyTorch engine. The CPU natives
 * ({@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} and
 * {@code ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0}) go on the class path.
 */
module org.torchwork.engine.pytorch {
  requires org.torchwork.api;
  requires ai.djl.pytorch_engine;

  provides org.torchwork.api.spi.BackendProvider with
      org.torchwork.engine.pytorch.PyTorchBackend;
}
