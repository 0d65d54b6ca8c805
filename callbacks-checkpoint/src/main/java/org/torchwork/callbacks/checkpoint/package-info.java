/** Callback {@code checkpoint}. */
package org.torchwork.callbacks.checkpoint;
