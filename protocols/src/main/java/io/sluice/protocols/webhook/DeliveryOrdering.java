package io.sluice.protocols.webhook;

/**
 * How an endpoint's messages are delivered relative to each other.
 *
 * <p>{@code UNORDERED} (the default): every due message is attempted as soon as the endpoint's concurrency and rate
 * limit allow, so one failing message never holds up the others. {@code ORDERED}: FIFO per endpoint, one message in
 * flight at a time; a failing head blocks the messages behind it until it succeeds or is dead-lettered.
 */
public enum DeliveryOrdering {
  UNORDERED,
  ORDERED
}
