/**
 * What outlives a run: checkpoint files and the plain-data rule for callback states.
 *
 * <p>Internal to the runtime module; not exported.
 */
package org.torchwork.runtime.store;
