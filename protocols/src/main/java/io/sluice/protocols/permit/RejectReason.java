package io.sluice.protocols.permit;

/** Why an {@link Acquire} was not granted. */
public enum RejectReason {
  /** The bounded wait queue was full. */
  QUEUE_FULL,
  /** No permit became free within the request's max wait. */
  TIMED_OUT,
  /** The long-lived lease cap of the pool is reached. */
  LONG_LIVED_CAP,
  /** The request itself was malformed (for example a non-positive max wait). */
  INVALID_REQUEST,
  /** The requester gave up (or died) before a permit was free. */
  CANCELLED,
  /** The pool is shutting down and grants nothing more. */
  SHUTTING_DOWN
}
