/**
 * The callback contract: {@link org.torchwork.api.Stage}, {@link org.torchwork.api.CallbackSet},
 * {@link org.torchwork.api.Context}, {@link org.torchwork.api.TorchCallback} and typed
 * parameters ({@link org.torchwork.api.ParamSet}), plus the task, prediction, measure and loss
 * ({@link org.torchwork.api.TorchLoss}) types learners and callbacks share.
 *
 * <p>Unless a method says otherwise, arguments must not be null and results are never null.
 */
package org.torchwork.api;
