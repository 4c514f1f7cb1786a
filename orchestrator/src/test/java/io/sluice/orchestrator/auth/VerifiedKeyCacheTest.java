package io.sluice.orchestrator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocols.workspace.WorkspaceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Expiry, the size bound and the guard against re-caching a key revoked while it was being looked up. */
class VerifiedKeyCacheTest {
  private static final WorkspaceId WORKSPACE = new WorkspaceId(UUID.randomUUID());
  private static final byte[] HASH = new byte[32];

  /** A clock the test moves. */
  private static final class SteppedClock extends Clock {
    private Instant now = Instant.parse("2026-11-25T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final SteppedClock clock = new SteppedClock();

  @Test
  void anEntryLivesForItsTtlOnly() {
    VerifiedKeyCache cache = new VerifiedKeyCache(Duration.ofSeconds(10), 10, clock);
    cache.put("p1", WORKSPACE, HASH, cache.generation());
    clock.advance(Duration.ofMillis(9_999));
    assertEquals(WORKSPACE, cache.get("p1").orElseThrow().workspaceId());
    clock.advance(Duration.ofMillis(1));
    assertTrue(cache.get("p1").isEmpty());
    assertEquals(0, cache.size(), "the expired entry was dropped");
  }

  @Test
  void theLeastRecentlyUsedEntryGoesFirstWhenFull() {
    VerifiedKeyCache cache = new VerifiedKeyCache(Duration.ofMinutes(1), 2, clock);
    cache.put("p1", WORKSPACE, HASH, cache.generation());
    cache.put("p2", WORKSPACE, HASH, cache.generation());
    cache.get("p1");
    cache.put("p3", WORKSPACE, HASH, cache.generation());
    assertEquals(2, cache.size());
    assertTrue(cache.get("p1").isPresent());
    assertTrue(cache.get("p2").isEmpty(), "least recently used");
    assertTrue(cache.get("p3").isPresent());
  }

  @Test
  void invalidationForgetsTheKeyAndVoidsLookupsInFlight() {
    VerifiedKeyCache cache = new VerifiedKeyCache(Duration.ofMinutes(1), 10, clock);
    cache.put("p1", WORKSPACE, HASH, cache.generation());
    long lookupStarted = cache.generation();
    cache.invalidate("p1");
    assertTrue(cache.get("p1").isEmpty());
    // The lookup read the row before the revocation committed: what it found must not come back.
    cache.put("p1", WORKSPACE, HASH, lookupStarted);
    assertTrue(cache.get("p1").isEmpty());
    cache.put("p1", WORKSPACE, HASH, cache.generation());
    assertTrue(cache.get("p1").isPresent(), "a lookup started after the invalidation caches again");
  }
}
