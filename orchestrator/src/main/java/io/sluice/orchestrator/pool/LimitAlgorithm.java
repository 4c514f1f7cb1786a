package io.sluice.orchestrator.pool;

/**
 * Decides how many permits a supervisor may grant at once. Kept behind this small interface (in the spirit of Netflix
 * concurrency-limits' {@code Limit}) so that adaptive algorithms can replace the fixed one.
 */
public interface LimitAlgorithm {

  /** The current limit; the supervisor clamps it to {@code [1, physical pool size]}. */
  int limit();
}
