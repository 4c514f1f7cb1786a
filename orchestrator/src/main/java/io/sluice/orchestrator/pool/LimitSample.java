package io.sluice.orchestrator.pool;

/**
 * What one evaluation interval showed; only a pool supervisor sees all of it.
 *
 * @param limit the limit during the interval
 * @param utilisation time-averaged granted permits ÷ limit over the interval
 * @param waiting requests queued at the end of the interval
 * @param oldestWaitNanos how long the oldest queued request has waited
 * @param completions leases released in the interval
 * @param meanBusyNanos mean time the released leases spent on their connection (query latency, without the permit
 *     wait and without opening the connection); 0 without completions
 * @param failures released leases whose work failed
 * @param timeouts requests rejected because their wait for a permit timed out
 */
public record LimitSample(
    long nowNanos,
    int limit,
    double utilisation,
    int waiting,
    long oldestWaitNanos,
    long completions,
    long meanBusyNanos,
    long failures,
    long timeouts) {

  /** More work than permits: requests waited at the end of the interval, or gave up waiting during it. */
  public boolean demandExceedsLimit() {
    return waiting > 0 || timeouts > 0;
  }

  public double failureRate() {
    return completions == 0 ? 0 : (double) failures / completions;
  }
}
