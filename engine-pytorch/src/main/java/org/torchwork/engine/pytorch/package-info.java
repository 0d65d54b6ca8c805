/** The PyTorch backend. */
package org.torchwork.engine.pytorch;
