/** Example plugin: callback {@code custom_logger}. */
package org.torchwork.examples.customlogger;
