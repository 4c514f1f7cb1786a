package io.sluice.orchestrator.email;

import io.sluice.config.EmailSettings;
import io.sluice.persistence.email.OutboxCounts;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The email component as {@code /health} shows it, so that a switched-off flag or a stuck outbox is visible.
 *
 * @param campaignSummaryEnabled the value of {@code sluice.email.campaign-summary.enabled}
 * @param transport "smtp" or "outbox"
 * @param outbox rows per state ("pending", "sent", "failed", "skipped"), every state present; empty when not read
 *     (serverless mode: a health check never wakes the database)
 * @param oldestOwedAgeSeconds age of the oldest email still owed (pending, or failed with a retry due), or null
 */
public record EmailHealth(boolean campaignSummaryEnabled, String transport, Map<String, Long> outbox,
    Long oldestOwedAgeSeconds) {

  /** The flag and the transport only: the outbox is not read. */
  public static EmailHealth withoutOutbox(EmailSettings settings) {
    return new EmailHealth(settings.campaignSummaryEnabled(), settings.transport().name().toLowerCase(Locale.ROOT),
        Map.of(), null);
  }

  /** The view from the settings and {@code EmailOutbox.counts()} read at {@code now}. */
  public static EmailHealth of(EmailSettings settings, OutboxCounts counts, Instant now) {
    Map<String, Long> outbox = new LinkedHashMap<>();
    counts.byState().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(entry -> outbox.put(entry.getKey().name().toLowerCase(Locale.ROOT), entry.getValue()));
    Long age = counts.oldestOwedSince() == null ? null
        : Math.max(0, Duration.between(counts.oldestOwedSince(), now).toSeconds());
    return new EmailHealth(settings.campaignSummaryEnabled(), settings.transport().name().toLowerCase(Locale.ROOT),
        outbox, age);
  }
}
