/** The {@code torchwork} command line: train, callbacks. */
package org.torchwork.cli;
