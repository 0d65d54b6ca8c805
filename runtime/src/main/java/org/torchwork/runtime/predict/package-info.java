/**
 * Prediction with a trained network: {@link org.torchwork.runtime.predict.Forward} runs it over
 * rows in batches, {@link org.torchwork.runtime.predict.CsvPredictor} streams a CSV file of any
 * size through it.
 *
 * <p>Internal to the runtime module; not exported. Applications predict through
 * {@link org.torchwork.runtime.TrainedModel}.
 */
package org.torchwork.runtime.predict;
