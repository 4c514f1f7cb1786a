package io.sluice.orchestrator.classifier;

/**
 * The classifier gave no usable answer: it refused the request (an HTTP 4xx other than 429), answered something
 * unusable, or kept failing transiently through every attempt. The caller keeps the provider's score.
 */
public final class ClassifierException extends RuntimeException {
  private final boolean transientFailure;

  ClassifierException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** Whether another attempt could succeed: a time-out, a connection error, a 429 or a 5xx. */
  public boolean isTransient() {
    return transientFailure;
  }
}
