package org.torchwork.api;

/** A callback threw in a stage; the message names the callback's id and the stage. */
@ApiStatus(value = ApiStatus.Status.STABLE, since = "0.1")
public final class CallbackException extends TorchworkException {
  private static final long serialVersionUID = 1L;

  /** The id of the callback that threw. */
  private final String callbackId;
  /** The stage it threw in. */
  private final Stage stage;

  /**
   * Creates the exception.
   *
   * @param callbackId the id of the callback that threw
   * @param stage the stage it threw in
   * @param cause what it threw
   */
  public CallbackException(String callbackId, Stage stage, Throwable cause) {
    super(
        "Callback '"
            + callbackId
            + "' failed in "
            + stage.id()
            + ": "
            + describe(cause)
            + (describe(cause).endsWith(".") ? "" : ".")
            + " The run was stopped; on_exit ran for every callback.",
        cause);
    this.callbackId = callbackId;
    this.stage = stage;
  }

  /** A Torchwork exception by its message, which says all; anything else with its type. */
  private static String describe(Throwable cause) {
    return cause instanceof TorchworkException ? cause.getMessage() : String.valueOf(cause);
  }

  /**
   * The id of the callback that threw.
   *
   * @return the id
   */
  public String callbackId() {
    return callbackId;
  }

  /**
   * The stage the callback threw in.
   *
   * @return the stage
   */
  public Stage stage() {
    return stage;
  }
}
