package io.sluice.orchestrator.auth;

import io.sluice.protocols.workspace.WorkspaceId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keys that recently verified against the database, by prefix, so that a busy client does not take a database permit
 * on every request. Bounded: at most {@code maxEntries}, the least recently used goes first; each entry lives
 * {@code ttl} from the lookup that filled it, which bounds how long a revocation on another instance goes unnoticed.
 *
 * <p>An entry holds the stored hash, never the secret: a presented secret is checked against it exactly as against
 * the database row. Only keys that verified are remembered; an unknown prefix is looked up every time.
 *
 * <p>A lookup that started before an invalidation must not put back what the invalidation removed (the database
 * answered before the revocation committed): every invalidation advances a generation, and {@link #put} is ignored
 * unless the generation is still the one read when the lookup started.
 */
final class VerifiedKeyCache {
  /** A verified key: its workspace, the SHA-256 of its secret, and when this entry stops being trusted. */
  record Entry(WorkspaceId workspaceId, byte[] hash, Instant expiresAt) {}

  private final Duration ttl;
  private final Clock clock;
  private final LinkedHashMap<String, Entry> entries;
  private long generation;

  VerifiedKeyCache(Duration ttl, int maxEntries, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The unexpired entry for {@code prefix}; an expired one is dropped. */
  synchronized Optional<Entry> get(String prefix) {
    Entry entry = entries.get(prefix);
    if (entry != null && !clock.instant().isBefore(entry.expiresAt())) {
      entries.remove(prefix);
      return Optional.empty();
    }
    return Optional.ofNullable(entry);
  }

  /** Read before a database lookup; pass it to {@link #put}. */
  synchronized long generation() {
    return generation;
  }

  /** Remembers a key verified by a lookup that started at {@code generationAtLookup}, unless anything was forgotten since. */
  synchronized void put(String prefix, WorkspaceId workspaceId, byte[] hash, long generationAtLookup) {
    if (generationAtLookup == generation) {
      entries.put(prefix, new Entry(workspaceId, hash, clock.instant().plus(ttl)));
    }
  }

  /** Forgets {@code prefix} (a revoked key) and voids every lookup still in flight. */
  synchronized void invalidate(String prefix) {
    entries.remove(prefix);
    generation++;
  }

  synchronized int size() {
    return entries.size();
  }
}
