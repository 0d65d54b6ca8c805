/** Callback {@code history}. */
package org.torchwork.callbacks.history;
