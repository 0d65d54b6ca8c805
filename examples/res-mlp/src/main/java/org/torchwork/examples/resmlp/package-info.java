/** Example plugin: learners {@code classif.res_mlp} and {@code regr.res_mlp}. */
package org.torchwork.examples.resmlp;
