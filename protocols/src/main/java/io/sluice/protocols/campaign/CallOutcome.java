package io.sluice.protocols.campaign;

/**
 * How a call attempt ended, as the call provider reports it. The first four may be retried under the campaign's
 * retry policy; the last three are always final.
 */
public enum CallOutcome {
  ANSWERED(false),
  NO_ANSWER(true),
  BUSY(true),
  VOICEMAIL(true),
  FAILED(true),
  DO_NOT_CALL(false),
  INVALID_NUMBER(false);

  private final boolean retryable;

  CallOutcome(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether a retry policy may call the lead again after this outcome. */
  public boolean retryable() {
    return retryable;
  }
}
