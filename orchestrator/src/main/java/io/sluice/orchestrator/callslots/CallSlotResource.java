package io.sluice.orchestrator.callslots;

import io.sluice.config.CallSlotSettings;
import io.sluice.persistence.PermitResource;
import io.sluice.protocols.permit.PoolStats;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call provider's concurrent calls as a {@link PermitResource}: nothing to open or close, only the set of slots
 * its supervisor has admitted. A campaign places a call only under an admitted slot, so the slots in use are the
 * calls in flight, reported as the "physical" units (active = total = in use, idle = 0, max = capacity).
 *
 * <p>The supervisor admits and retires on its own thread; {@link #isAdmitted} may be asked from any thread.
 */
public final class CallSlotResource implements PermitResource {
  private final int capacity;
  private final Set<Long> admitted = ConcurrentHashMap.newKeySet();

  /** @param capacity concurrent calls the provider account allows */
  public CallSlotResource(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public String name() {
    return CallSlotSettings.NAME;
  }

  @Override
  public String settingsPath() {
    return "sluice." + CallSlotSettings.NAME;
  }

  @Override
  public int maxSize() {
    return capacity;
  }

  @Override
  public void admit(long leaseId) {
    admitted.add(leaseId);
  }

  @Override
  public boolean isAdmitted(long leaseId) {
    return admitted.contains(leaseId);
  }

  /** A slot holds nothing to take back: the call itself is the provider's to end, so this never forces anything. */
  @Override
  public boolean retire(long leaseId) {
    admitted.remove(leaseId);
    return false;
  }

  /** Nothing is kept open while unused. */
  @Override
  public void evictIdle() {}

  @Override
  public PoolStats.Physical physical() {
    int inUse = admitted.size();
    return new PoolStats.Physical(capacity, inUse, 0, inUse);
  }

  @Override
  public void close() {
    admitted.clear();
  }
}
