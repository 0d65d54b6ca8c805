/** Callbacks {@code csv_logger} and {@code tb}. */
package org.torchwork.callbacks.loggers;
