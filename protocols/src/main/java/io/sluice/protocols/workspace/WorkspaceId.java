package io.sluice.protocols.workspace;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Objects;
import java.util.UUID;

/**
 * The tenant every {@code /v1} request acts for, established by its API key: data carries it, queries filter by it, so
 * one workspace never sees another's.
 */
public record WorkspaceId(UUID value) {
  @JsonCreator
  public WorkspaceId {
    Objects.requireNonNull(value, "value");
  }

  /** @throws IllegalArgumentException if {@code text} is not a UUID */
  public static WorkspaceId parse(String text) {
    return new WorkspaceId(UUID.fromString(text));
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
