/** Example plugin: learners {@code classif.tab_resnet} and {@code regr.tab_resnet}. */
package org.torchwork.examples.tabresnet;
