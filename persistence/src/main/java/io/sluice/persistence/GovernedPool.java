package io.sluice.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A physical connection pool whose connections can only be reached with a lease its supervisor admitted. The
 * supervisor admits a lease before it sends the grant and retires it on release, revocation or holder death; a
 * connection still checked out under a retired lease is aborted, so it is never reused.
 */
public interface GovernedPool extends PermitResource {

  /** Physical connections the pool may open. */
  @Override
  int maxSize();

  /**
   * The connection for an admitted lease, opening or borrowing one if needed. Blocking: call it only on the JDBC
   * dispatcher.
   *
   * @throws LeaseNotAdmittedException if the lease was never admitted or has been retired
   */
  Connection connectionFor(long leaseId) throws SQLException;

  /** Hands back the connection used under a lease; a connection aborted by {@link #retire} is discarded by the pool. */
  void giveBack(long leaseId, Connection connection);

  /**
   * Closes the door for a lease. A connection still checked out under it has its statement cancelled and is aborted
   * (physically closed, never reused), off the caller's thread.
   *
   * @return true if a connection had to be aborted
   */
  @Override
  boolean retire(long leaseId);

  /**
   * Changes how many physical connections the pool may open (a node's share of the cluster's budget). On a shrink the
   * pool opens no connection above the new size, closes its idle connections now and its busy ones as they are handed
   * back; {@link #physical()} shows when the pool is within the new size. Size 0 closes the door: the supervisor grants
   * nothing and every connection handed back is closed (a node cut off from its cluster's budget). Tell the supervisor
   * afterwards.
   *
   * @throws IllegalArgumentException if {@code maxSize} is negative
   */
  void resize(int maxSize);

  /** Closes every idle physical connection now. */
  @Override
  void evictIdle();
}
