/** Example plugin: learner {@code classif.conv_net}, a network of DJL blocks for images. */
package org.torchwork.examples.convnet;
