package io.sluice.orchestrator.pool;

/**
 * Decides how many permits a supervisor may grant at once. Kept behind this small interface (in the spirit of Netflix
 * concurrency-limits' {@code Limit}) so that algorithms can be swapped. Implementations are owned by one supervisor
 * and need not be thread-safe.
 */
public interface LimitAlgorithm {

  /** The current limit; the supervisor clamps it to its floor and the physical pool size. */
  int limit();

  /** Whether the limit ever changes; a fixed limit needs no evaluation timer. */
  default boolean adaptive() {
    return true;
  }

  /**
   * Called once per evaluation interval while the pool has leases or waiters.
   *
   * @return the new limit
   */
  default int update(LimitSample sample) {
    return limit();
  }

  /**
   * Called on every release, between evaluations: lets slow start grow per healthy completion instead of waiting for
   * the next interval. The supervisor reads {@link #limit()} afterwards.
   *
   * @param nowNanos the supervisor's clock
   * @param busyNanos the work's query latency, or negative when it measured none
   * @param waiting requests queued at this moment
   */
  default void completed(long nowNanos, long busyNanos, boolean failed, int waiting) {}

  /** The pool drained to idle: the next burst of work starts cold (slow start begins again). */
  default void restart() {}
}
