package io.sluice.bench;

import io.sluice.persistence.GovernedPool;
import io.sluice.protocols.permit.PoolStats;
import java.sql.Connection;

/** A pool with no connections, so the JMH benchmark measures the supervisor's grant and release and nothing else. */
final class InMemoryPool implements GovernedPool {
  private volatile int size;

  InMemoryPool(int size) {
    this.size = size;
  }

  @Override
  public String name() {
    return "jmh";
  }

  @Override
  public int maxSize() {
    return size;
  }

  @Override
  public void admit(long leaseId) {}

  @Override
  public boolean isAdmitted(long leaseId) {
    return true;
  }

  @Override
  public Connection connectionFor(long leaseId) {
    throw new UnsupportedOperationException("the grant/release benchmark opens no connection");
  }

  @Override
  public void giveBack(long leaseId, Connection connection) {
    throw new UnsupportedOperationException("the grant/release benchmark opens no connection");
  }

  @Override
  public boolean retire(long leaseId) {
    return false;
  }

  @Override
  public void resize(int maxSize) {
    size = maxSize;
  }

  @Override
  public void evictIdle() {}

  @Override
  public PoolStats.Physical physical() {
    return new PoolStats.Physical(size, 0, 0, 0);
  }

  @Override
  public void close() {}
}
