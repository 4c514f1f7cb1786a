package io.sluice.config;

import java.util.List;

/**
 * The start-up check of incident 6 for campaigns: the most database work the configuration lets campaigns ask for at
 * once must fit what the {@code db} pool can grant or queue. Every call in flight (at most the call-slot capacity,
 * all campaigns together) runs one database step at a time — claim, settle, do-not-call — and its outcome event's
 * insert happens before its settlement; the summary emails and the hot-lead streams add their own. What does not fit
 * the limit waits in the queue; what does not fit the queue too would be refused {@code QUEUE_FULL} under full load,
 * so such a configuration is refused, with the arithmetic.
 */
public final class CampaignLoad {
  /** A call path holds at most one database permit at a time. */
  static final int PERMITS_PER_CALL = 1;
  /** Summary emails write their outbox rows from the email dispatcher's two threads. */
  static final int EMAIL_WRITERS = 2;

  private CampaignLoad() {}

  /** The arithmetic, e.g. {@code call slots 10 × 1 + email 2 + streams 2 = 14 <= db limit 10 + queue 1000}. */
  public static String arithmetic(PoolSettings db, CallSlotSettings slots) {
    return "call slots " + slots.capacity() + " × " + PERMITS_PER_CALL + " permit per call + email " + EMAIL_WRITERS
        + " + streams " + db.maxLongLived() + " = " + worstCase(db, slots) + (fits(db, slots) ? " <= " : " > ")
        + "db limit " + db.limit() + " + queue " + db.maxQueue();
  }

  static int worstCase(PoolSettings db, CallSlotSettings slots) {
    return slots.capacity() * PERMITS_PER_CALL + EMAIL_WRITERS + db.maxLongLived();
  }

  static boolean fits(PoolSettings db, CallSlotSettings slots) {
    return worstCase(db, slots) <= db.limit() + db.maxQueue();
  }

  /** @throws SettingsException with the arithmetic when the worst case does not fit */
  public static void check(PoolSettings db, CallSlotSettings slots) {
    if (!fits(db, slots)) {
      throw new SettingsException(List.of("sluice.call-slots.capacity lets campaigns ask for more database work at"
          + " once than sluice.pools.db can grant or queue: " + arithmetic(db, slots) + "; lower the call-slot"
          + " capacity or raise sluice.pools.db.max-queue"));
    }
  }
}
