package io.sluice.protocols.permit;

/** How the supervisor polices a lease. */
public enum LeaseKind {
  /** Leak-checked: revoked when held longer than the pool's max hold time. */
  SHORT,
  /** Exempt from the hold check (pub/sub, listeners), but capped in number and listed with owner and purpose. */
  LONG_LIVED
}
