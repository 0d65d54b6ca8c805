package org.torchwork.api.spi;

import org.torchwork.api.ApiStatus;

/**
 * The input and output sizes a learner's network must have for a task.
 *
 * @param inputs the number of features
 * @param outputs the number of classes for classification, 1 for regression
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public record NetworkShape(int inputs, int outputs) {}
