package io.sluice.orchestrator.pool;

/** A limit that never changes. */
public record FixedLimit(int limit) implements LimitAlgorithm {
  public FixedLimit {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  @Override
  public boolean adaptive() {
    return false;
  }
}
