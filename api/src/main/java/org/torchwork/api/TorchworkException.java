package org.torchwork.api;

/**
 * The error Torchwork raises for anything a user can fix: an unknown id, a bad parameter, a
 * broken plugin, an engine that cannot load. Its message names the subject, the cause and the
 * fix.
 */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public class TorchworkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what went wrong and what to do about it
   */
  public TorchworkException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param message what went wrong and what to do about it
   * @param cause the underlying failure
   */
  public TorchworkException(String message, Throwable cause) {
    super(message, cause);
  }
}
