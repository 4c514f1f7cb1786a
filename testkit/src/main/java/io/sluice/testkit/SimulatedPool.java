package io.sluice.testkit;

import io.sluice.persistence.GovernedPool;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link GovernedPool} a supervisor owns in a simulation. Work does not run JDBC here: the simulation holds each
 * admitted lease's virtual connection, and retiring a lease that still holds one aborts it, as the real pool does.
 */
final class SimulatedPool implements GovernedPool {
  private final SimulatedConnections connections;
  /** Admitted leases, and whether each currently holds a connection. */
  private final Map<Long, Boolean> admitted = new HashMap<>();

  SimulatedPool(SimulatedConnections connections) {
    this.connections = connections;
  }

  @Override
  public String name() {
    return "db";
  }

  @Override
  public int maxSize() {
    return connections.maxSize();
  }

  @Override
  public void admit(long leaseId) {
    admitted.put(leaseId, false);
  }

  @Override
  public boolean isAdmitted(long leaseId) {
    return admitted.containsKey(leaseId);
  }

  /** The simulated workload took a connection under this lease. */
  void connected(long leaseId) {
    admitted.replace(leaseId, true);
  }

  /** The simulated workload returned the lease's connection. */
  void disconnected(long leaseId) {
    if (admitted.replace(leaseId, false) != null) {
      connections.giveBack();
    }
  }

  @Override
  public Connection connectionFor(long leaseId) {
    throw new UnsupportedOperationException("a simulated pool runs work in virtual time and has no JDBC connection");
  }

  @Override
  public void giveBack(long leaseId, Connection connection) {
    throw new UnsupportedOperationException("a simulated pool runs work in virtual time and has no JDBC connection");
  }

  @Override
  public boolean retire(long leaseId) {
    Boolean holding = admitted.remove(leaseId);
    if (Boolean.TRUE.equals(holding)) {
      connections.abort();
      return true;
    }
    return false;
  }

  @Override
  public void resize(int maxSize) {
    connections.resize(maxSize);
  }

  @Override
  public void evictIdle() {
    connections.evictIdle();
  }

  @Override
  public PoolStats.Physical physical() {
    return new PoolStats.Physical(connections.maxSize(), connections.active(), connections.idle(), connections.total());
  }

  @Override
  public void close() {
    connections.evictIdle();
  }
}
