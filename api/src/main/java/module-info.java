/**
 * The stable contract of Torchwork: training-loop stages, the {@link org.torchwork.api.Context}
 * callbacks see, callback descriptors with typed parameters, and the service-provider
 * interfaces through which callbacks, learners, backends, tasks, measures and losses are found.
 *
 * <p>Plugin authors compile against this module alone. It depends on DJL's API and nothing
 * else.
 */
module org.torchwork.api {
  requires transitive ai.djl.api;

  exports org.torchwork.api;
  exports org.torchwork.api.spi;
  exports org.torchwork.api.internal to org.torchwork.data, org.torchwork.runtime, org.torchwork.cli;
}
