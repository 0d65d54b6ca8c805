/** Example plugin: residual multi-layer perceptrons, as learners classif.res_mlp and regr.res_mlp. */
module org.torchwork.examples.resmlp {
  requires org.torchwork.api;

  provides org.torchwork.api.spi.LearnerProvider with
      org.torchwork.examples.resmlp.ResMlpLearners;
}
