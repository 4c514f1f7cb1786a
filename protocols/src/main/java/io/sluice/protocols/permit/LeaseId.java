package io.sluice.protocols.permit;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Identity of one granted lease, unique within its pool for the lifetime of the process. */
public record LeaseId(long value) {
  @JsonCreator
  public LeaseId {}

  @Override
  public String toString() {
    return "lease-" + value;
  }
}
