package io.sluice.orchestrator.pool;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns an owner or purpose into a metric tag value without its ids: {@code campaign-42}, {@code campaign-7-retry}
 * → {@code campaign}, {@code lead-3f2b…} → {@code lead}, {@code tenant_17} → {@code tenant}. Owners and purposes are
 * free text chosen by callers and often carry a record id; a tag value with an id is a new metric series per record,
 * which is how 3 owner kinds once became 3,000 series. The name is split into segments on {@code - _ : / .} and kept
 * up to the first segment that looks like an id: one with a digit, or a run of at least
 * {@value #MIN_LETTER_ONLY_HEX_ID} hex letters (a UUID group or a hash that happens to have no digit). A name whose
 * first segment is already an id has no kind left and becomes {@value #UNNAMED}.
 *
 * <p>Stripping runs once per grant on the supervisor's hot path, so results are cached by the raw name: an owner seen
 * before costs one hash lookup and builds no string. The cache is bounded: when it is full it is emptied and refilled,
 * so one-off names (a lead id per request) cannot grow it, and names that recur are cached again after their next use.
 *
 * <p>Not thread-safe: owned by one supervisor actor.
 */
final class IdFreeNames {
  static final String UNNAMED = "unnamed";
  static final int MAX_CACHED = 1024;
  /** Shorter letter-only hex runs are words ({@code cafe}, {@code facade}); a UUID's groups start at 8. */
  private static final int MIN_LETTER_ONLY_HEX_ID = 8;

  private final Map<String, String> cache = new HashMap<>();

  /** {@link #strip(String)}, cached. */
  String of(String name) {
    String stripped = cache.get(name);
    if (stripped == null) {
      stripped = strip(name);
      if (cache.size() == MAX_CACHED) {
        cache.clear();
      }
      cache.put(name, stripped);
    }
    return stripped;
  }

  int cached() {
    return cache.size();
  }

  /** The leading segments of {@code name} before its first id-like segment; {@code name} itself when it has none. */
  static String strip(String name) {
    int keptEnd = 0;
    int segmentStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || isSeparator(name.charAt(i))) {
        if (i > segmentStart) {
          if (looksLikeId(name, segmentStart, i)) {
            return keptEnd == 0 ? UNNAMED : name.substring(0, keptEnd);
          }
          keptEnd = i;
        }
        segmentStart = i + 1;
      }
    }
    return keptEnd == 0 ? UNNAMED : name;
  }

  private static boolean isSeparator(char c) {
    return c == '-' || c == '_' || c == ':' || c == '/' || c == '.';
  }

  private static boolean looksLikeId(String name, int from, int to) {
    boolean allHex = true;
    for (int i = from; i < to; i++) {
      char c = name.charAt(i);
      if (Character.isDigit(c)) {
        return true;
      }
      allHex &= Character.digit(c, 16) >= 0;
    }
    return allHex && to - from >= MIN_LETTER_ONLY_HEX_ID;
  }
}
