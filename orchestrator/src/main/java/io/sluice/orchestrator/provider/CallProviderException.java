package io.sluice.orchestrator.provider;

/**
 * A {@link PlaceCall} that got no usable answer: either transient failures outlasted the client's retries (the lead
 * attempt may be tried again later with the same idempotency key), or the provider refused the request itself (401,
 * 403, 404, an unreadable answer), which is a configuration problem rather than a verdict on the lead.
 */
public class CallProviderException extends RuntimeException {
  private final boolean transientFailure;

  public CallProviderException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public CallProviderException(String message, boolean transientFailure) {
    this(message, transientFailure, null);
  }

  /** Whether trying again later may succeed (5xx, connection failure, time-out). */
  public boolean transientFailure() {
    return transientFailure;
  }
}
