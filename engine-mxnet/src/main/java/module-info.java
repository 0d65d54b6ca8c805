/**
 * Backend {@code mxnet}: DJL's MXNet engine. The MKL natives
 * ({@code ai.djl.mxnet:mxnet-native-mkl:1.9.1:linux-x86_64}) go on the class path.
 */
module org.torchwork.engine.mxnet {
  requires org.torchwork.api;
  requires ai.djl.mxnet_engine;

  provides org.torchwork.api.spi.BackendProvider with
      org.torchwork.engine.mxnet.MxNetBackend;
}
