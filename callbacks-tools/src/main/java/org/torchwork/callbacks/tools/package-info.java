/** Callbacks {@code grad_clip}, {@code terminate_on_nan}, {@code timer} and {@code unfreeze}. */
package org.torchwork.callbacks.tools;
