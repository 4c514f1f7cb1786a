package io.sluice.protocols.permit;

/** Queue priority of an {@link Acquire}; declared from most to least urgent. */
public enum Priority {
  CRITICAL,
  HIGH,
  NORMAL,
  LOW
}
