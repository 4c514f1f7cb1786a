package io.sluice.persistence.webhook;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Ids for endpoints ({@code ep_}) and messages ({@code msg_}): the prefix, then 26 characters of Crockford base32 that
 * sort as the ids were made, like a ULID: 48 bits of epoch milliseconds, then 80 bits that are random for the first id
 * of a millisecond and incremented for every further one. So {@code ORDER BY id} is creation order, which is what an
 * ordered endpoint's FIFO and every paged listing rely on, without a sequence (H2 and PostgreSQL alike) and without a
 * second index on a timestamp. Sortable within one process; ids made by two processes in the same millisecond sort
 * in an arbitrary but fixed order.
 */
public final class WebhookIds {
  public static final String ENDPOINT_PREFIX = "ep_";
  public static final String MESSAGE_PREFIX = "msg_";
  /** The prefix's length is added to this. */
  public static final int BODY_LENGTH = 26;

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final long RANDOM_HIGH_MASK = (1L << 16) - 1;

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  /** The 80 bits after the time: 16 high bits and 64 low bits. */
  private long high;
  private long low;

  public WebhookIds(Clock clock) {
    this.clock = clock;
  }

  public String endpointId() {
    return ENDPOINT_PREFIX + next();
  }

  public String messageId() {
    return MESSAGE_PREFIX + next();
  }

  /** Whether {@code id} has the shape of an id with this prefix (checked before any query, so junk is a plain 404). */
  public static boolean isId(String prefix, String id) {
    if (id == null || id.length() != prefix.length() + BODY_LENGTH || !id.startsWith(prefix)) {
      return false;
    }
    for (int i = prefix.length(); i < id.length(); i++) {
      if (java.util.Arrays.binarySearch(ALPHABET, id.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private synchronized String next() {
    long millis = Math.max(clock.millis(), lastMillis);
    if (millis == lastMillis) {
      low++;
      if (low == 0) {
        high = (high + 1) & RANDOM_HIGH_MASK;
      }
    } else {
      lastMillis = millis;
      // The top random bit stays clear, so that increments within one millisecond never wrap.
      high = random.nextInt(1 << 15);
      low = random.nextLong();
    }
    char[] chars = new char[BODY_LENGTH];
    // 10 characters of time (50 bits, the top 2 always 0), then 16 of the 80 random bits.
    long time = millis;
    for (int i = 9; i >= 0; i--) {
      chars[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long lowBits = low;
    long highBits = high;
    for (int i = BODY_LENGTH - 1; i >= 10; i--) {
      chars[i] = ALPHABET[(int) (lowBits & 31)];
      lowBits = (lowBits >>> 5) | ((highBits & 31) << 59);
      highBits >>>= 5;
    }
    return new String(chars);
  }
}
