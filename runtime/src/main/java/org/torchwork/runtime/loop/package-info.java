/**
 * The training loop: {@link org.torchwork.runtime.loop.TrainingLoop} runs the stages for every
 * learner and engine; the context callbacks see, the optimizers whose state checkpoints save, the
 * batching of a task's rows, early stopping, and the checked, ordered plan of a run's callbacks.
 *
 * <p>Internal to the runtime module; not exported.
 */
package org.torchwork.runtime.loop;
