/** Callback {@code progress}. */
package org.torchwork.callbacks.progress;
