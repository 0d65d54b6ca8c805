/**
 * Export for serving without Torchwork: {@link org.torchwork.runtime.export.TorchScript} writes a
 * network as a TorchScript archive.
 *
 * <p>Internal to the runtime module; not exported. Applications export through
 * {@link org.torchwork.runtime.TrainedModel#export}.
 */
package org.torchwork.runtime.export;
