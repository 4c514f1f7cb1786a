package io.sluice.orchestrator.callslots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.permit.PoolStats;
import org.junit.jupiter.api.Test;

class CallSlotResourceTest {

  @Test
  void theSlotsInUseAreTheAdmittedLeases() {
    CallSlotResource slots = new CallSlotResource(10);
    slots.admit(1);
    slots.admit(2);
    assertTrue(slots.isAdmitted(1));
    assertEquals(new PoolStats.Physical(10, 2, 0, 2), slots.physical());
    assertFalse(slots.retire(1), "a slot has nothing to abort");
    assertFalse(slots.isAdmitted(1));
    assertFalse(slots.retire(1));
    slots.evictIdle();
    assertEquals(new PoolStats.Physical(10, 1, 0, 1), slots.physical());
  }

  @Test
  void itIsNamedAfterItsOwnSettings() {
    CallSlotResource slots = new CallSlotResource(3);
    assertEquals("call-slots", slots.name());
    assertEquals("sluice.call-slots", slots.settingsPath());
    assertEquals(3, slots.maxSize());
    assertThrows(IllegalArgumentException.class, () -> new CallSlotResource(0));
  }
}
