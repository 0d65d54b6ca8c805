/**
 * The runtime's public API: {@link org.torchwork.runtime.Torchwork} (the mlr3-style short names),
 * {@link org.torchwork.runtime.Platform} (registries and plugins),
 * {@link org.torchwork.runtime.TorchLearner} and {@link org.torchwork.runtime.TrainedModel}.
 *
 * <p>Unless a method says otherwise, arguments must not be null and results are never null.
 */
package org.torchwork.runtime;
