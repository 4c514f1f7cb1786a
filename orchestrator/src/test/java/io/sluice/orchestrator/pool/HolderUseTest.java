package io.sluice.orchestrator.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** A holder is watched from its first use to its last release, counted apart from every other holder. */
class HolderUseTest {
  private final HolderUse holders = new HolderUse();
  private final ActorRef<Object> alice = TestRequests.holder();
  private final ActorRef<Object> bob = TestRequests.holder();

  @Test
  void onlyTheFirstUseOfAHolderAsksForAWatch() {
    assertTrue(holders.use(alice));
    assertFalse(holders.use(alice));
    assertFalse(holders.use(alice));
    assertEquals(3, holders.uses(alice));
    assertEquals(1, holders.holders());
  }

  @Test
  void onlyTheLastReleaseOfAHolderEndsItsWatch() {
    holders.use(alice);
    holders.use(alice);
    assertFalse(holders.release(alice));
    assertEquals(1, holders.uses(alice));
    assertTrue(holders.release(alice));
    assertEquals(0, holders.uses(alice));
    assertEquals(0, holders.holders());
  }

  @Test
  void aHolderUsedAgainAfterItsLastReleaseIsWatchedAgain() {
    holders.use(alice);
    holders.release(alice);
    assertTrue(holders.use(alice));
  }

  @Test
  void eachHolderIsCountedOnItsOwn() {
    assertTrue(holders.use(alice));
    assertTrue(holders.use(bob));
    holders.use(bob);
    assertEquals(2, holders.holders());
    assertEquals(1, holders.uses(alice));
    assertEquals(2, holders.uses(bob));
    assertTrue(holders.release(alice));
    assertEquals(2, holders.uses(bob));
    assertEquals(1, holders.holders());
  }

  @Test
  void releasingAHolderWithoutUsesChangesNothing() {
    holders.use(bob);
    assertFalse(holders.release(alice));
    assertEquals(0, holders.uses(alice));
    assertEquals(1, holders.holders());
  }

  @Test
  void requestsWithoutHolderAreNeverCountedNorWatched() {
    assertFalse(holders.use(null));
    assertFalse(holders.release(null));
    assertEquals(0, holders.holders());
  }

  @Test
  void forgettingAHolderDropsAllItsUsesAndNoOneElses() {
    holders.use(alice);
    holders.use(alice);
    holders.use(bob);
    holders.forget(alice);
    assertEquals(0, holders.uses(alice));
    assertFalse(holders.release(alice), "a forgotten holder has nothing left to release");
    assertEquals(1, holders.uses(bob));
    assertEquals(1, holders.holders());
    assertTrue(holders.use(alice), "a forgotten holder that comes back is watched anew");
  }
}
