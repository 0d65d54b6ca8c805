/** The MXNet backend. */
package org.torchwork.engine.mxnet;
