/** Example plugin: a convolutional network of DJL blocks for images, as learner classif.conv_net. */
module org.torchwork.examples.convnet {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.LearnerProvider with
      org.torchwork.examples.convnet.ConvNetLearners;
}
