package io.sluice.persistence;

import io.sluice.protocols.permit.PoolStats;

/**
 * A bounded resource whose units are granted as permits by a pool supervisor, seen only through what the supervisor
 * needs: admitting and retiring leases, its size, what it has in use, and dropping idle units. It carries no JDBC
 * type, so a supervisor can govern a resource that is not a connection pool at all (the call provider's concurrent
 * calls); {@link GovernedPool} adds the connections.
 *
 * <p>The supervisor admits a lease before it sends the grant and retires it on release, revocation or holder death;
 * whoever uses the resource under a lease checks {@link #isAdmitted} to learn whether it still may.
 */
public interface PermitResource extends AutoCloseable {

  String name();

  /** Where the resource's supervisor settings live, named in rejections so that the operator knows what to tune. */
  default String settingsPath() {
    return "sluice.pools." + name();
  }

  /** Units the resource has at most: the supervisor never grants more permits than this at once. */
  int maxSize();

  /** Opens the door for a lease just granted. */
  void admit(long leaseId);

  /** Whether a lease is admitted: granted and not yet released, revoked or lost with its holder. */
  boolean isAdmitted(long leaseId);

  /**
   * Closes the door for a lease; a unit still in use under it is taken back the resource's own way.
   *
   * @return true if a unit still in use had to be taken back forcibly
   */
  boolean retire(long leaseId);

  /** Lets go of every unit kept open while unused (the supervisor calls it once the resource has been idle). */
  void evictIdle();

  /** Units open and in use now, for stats and gauges. */
  PoolStats.Physical physical();

  @Override
  void close();
}
