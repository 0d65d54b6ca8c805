/**
 * The runtime's public API, the only package the module exports:
 * {@link org.torchwork.runtime.Torchwork} (the mlr3-style short names),
 * {@link org.torchwork.runtime.Platform} (registries and plugins),
 * {@link org.torchwork.runtime.TorchLearner} and {@link org.torchwork.runtime.TrainedModel}.
 *
 * <p>Inside the module, one package per concern:
 *
 * <ul>
 *   <li>{@code plugin}: discovery with {@code ServiceLoader}, plugin layers and their checks;
 *   <li>{@code loop}: the training loop, its context, optimizers, batching, early stopping;
 *   <li>{@code store}: checkpoints and saved models;
 *   <li>{@code data}: reading tasks, validation splits;
 *   <li>{@code builtin}: the built-in learners, tasks and measures.
 * </ul>
 *
 * <p>Unless a method says otherwise, arguments must not be null and results are never null.
 */
package org.torchwork.runtime;
