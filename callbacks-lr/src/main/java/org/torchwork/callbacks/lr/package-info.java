/**
 * Learning-rate schedules. Each sets the learning rate through {@link org.torchwork.api.Context},
 * so the rate in force is visible to every callback and recorded by {@code history}; each keeps
 * the base rate (and its own counters) as state, so a resumed run continues the schedule.
 */
package org.torchwork.callbacks.lr;
