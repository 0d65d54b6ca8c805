/** Example plugin: residual networks for tabular data, as learners classif.tab_resnet and regr.tab_resnet. */
module org.torchwork.examples.tabresnet {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.LearnerProvider with
      org.torchwork.examples.tabresnet.TabResNetLearners;
}
