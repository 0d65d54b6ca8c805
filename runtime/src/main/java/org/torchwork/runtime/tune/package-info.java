/**
 * Resampling and tuning: {@link org.torchwork.runtime.tune.Resample} scores a learner (with its
 * callbacks) by cross-validation or a holdout, and {@link org.torchwork.runtime.tune.Tuning}
 * searches learner and callback parameters ({@code cb.<id>.<param>}) at random or on a grid,
 * scoring each trial by resampling, on worker threads here ({@link
 * org.torchwork.runtime.tune.LocalTrials}) or elsewhere (a {@link
 * org.torchwork.runtime.tune.TrialExecutorProvider}, such as module {@code torchwork-spark}).
 */
package org.torchwork.runtime.tune;
