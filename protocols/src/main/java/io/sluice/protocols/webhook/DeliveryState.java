package io.sluice.protocols.webhook;

/** Where one message stands at one endpoint; the read side's {@code webhook_delivery.state}. */
public enum DeliveryState {
  /** Not yet delivered: due now, waiting for its retry, or blocked behind an ordered head. */
  PENDING,
  /** A 2xx arrived within the timeout. */
  DELIVERED,
  /** Every attempt of the schedule failed; replay puts it back to PENDING. (A 410 disables the endpoint instead.) */
  DEAD
}
