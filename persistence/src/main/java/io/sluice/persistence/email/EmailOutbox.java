package io.sluice.persistence.email;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code email_outbox} table: one row per owed email, keyed by {@code (campaign_id, kind)}. The key is the
 * idempotency key: {@link #claim} inserts a row only if none exists, so of any number of concurrent or replayed
 * sends exactly one wins the right to send. Updates only touch rows still owed, so a late failure never overwrites a
 * SENT row. Plain SQL that runs on PostgreSQL and H2.
 */
public final class EmailOutbox {
  /** Both PostgreSQL and H2 report a primary-key violation with this SQL state. */
  private static final String COLUMNS = "campaign_id, kind, state, attempts, last_error, skip_reason, next_attempt_at,"
      + " recipient, created_at, sent_at, eml_path";

  private EmailOutbox() {}

  /** The row for this email, if any. */
  public static JdbcWork<Optional<OutboxRow>> find(String campaignId, String kind) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM email_outbox WHERE campaign_id = ? AND kind = ?")) {
        select.setString(1, campaignId);
        select.setString(2, kind);
        try (ResultSet rows = select.executeQuery()) {
          return rows.next() ? Optional.of(read(rows)) : Optional.empty();
        }
      }
    };
  }

  /**
   * Inserts {@code row} unless its key exists; answers whether it did. A concurrent insert of the same key blocks on
   * the primary key until the first commits, then fails with a unique violation: that is rolled back to a savepoint
   * (PostgreSQL would otherwise abort the whole transaction) and answered as {@code false}.
   */
  public static JdbcWork<Boolean> claim(OutboxRow row) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO email_outbox (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, row.campaignId());
        insert.setString(2, row.kind());
        insert.setString(3, row.state().name());
        insert.setInt(4, row.attempts());
        insert.setString(5, row.lastError());
        insert.setString(6, row.skipReason());
        insert.setObject(7, timestamp(row.nextAttemptAt()));
        insert.setString(8, row.recipient());
        insert.setObject(9, timestamp(row.createdAt()));
        insert.setObject(10, timestamp(row.sentAt()));
        insert.setString(11, row.emlPath());
        return UniqueInsert.unlessPresent(connection, insert);
      }
    };
  }

  /** Marks an owed email SENT after {@code attempts} attempts; answers the rows changed (0 if it was not owed). */
  public static JdbcWork<Integer> recordSent(String campaignId, String kind, int attempts, Instant sentAt,
      String deliveredTo) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE email_outbox SET state = 'SENT', attempts = ?, sent_at = ?, next_attempt_at = NULL, eml_path = ?"
              + " WHERE campaign_id = ? AND kind = ? AND state IN ('PENDING', 'FAILED')")) {
        update.setInt(1, attempts);
        update.setObject(2, timestamp(sentAt));
        update.setString(3, deliveredTo);
        update.setString(4, campaignId);
        update.setString(5, kind);
        return update.executeUpdate();
      }
    };
  }

  /**
   * Marks an owed email FAILED after {@code attempts} attempts, with the error and when it is retried ({@code null}:
   * given up). Answers the rows changed.
   */
  public static JdbcWork<Integer> recordFailure(String campaignId, String kind, int attempts, String error,
      Instant nextAttemptAt) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE email_outbox SET state = 'FAILED', attempts = ?, last_error = ?, next_attempt_at = ?"
              + " WHERE campaign_id = ? AND kind = ? AND state IN ('PENDING', 'FAILED')")) {
        update.setInt(1, attempts);
        update.setString(2, error == null || error.length() <= 1000 ? error : error.substring(0, 1000));
        update.setObject(3, timestamp(nextAttemptAt));
        update.setString(4, campaignId);
        update.setString(5, kind);
        return update.executeUpdate();
      }
    };
  }

  /** Every email still owed (PENDING, or FAILED with a retry due), soonest due first: what start-up resumes. */
  public static JdbcWork<List<OutboxRow>> owed() {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM email_outbox WHERE state IN ('PENDING', 'FAILED')"
              + " AND next_attempt_at IS NOT NULL ORDER BY next_attempt_at")) {
        List<OutboxRow> owed = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            owed.add(read(rows));
          }
        }
        return owed;
      }
    };
  }

  /**
   * The owed emails due at {@code now} (at most {@code limit}, soonest first) and the next due time after them: a
   * tick's read, on the index {@code (state, next_attempt_at)}. When more than {@code limit} are due the next due
   * time is {@code now}, so the caller's cron calls again at once.
   */
  public static JdbcWork<DueEmails> due(Instant now, int limit) {
    return connection -> {
      List<OutboxRow> due = new ArrayList<>();
      boolean more = false;
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM email_outbox WHERE state IN ('PENDING', 'FAILED')"
              + " AND next_attempt_at <= ? ORDER BY next_attempt_at FETCH FIRST ? ROWS ONLY")) {
        select.setObject(1, timestamp(now));
        select.setInt(2, limit + 1);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (due.size() == limit) {
              more = true;
              break;
            }
            due.add(read(rows));
          }
        }
      }
      if (more) {
        return new DueEmails(due, now);
      }
      try (PreparedStatement next = connection.prepareStatement(
          "SELECT MIN(next_attempt_at) FROM email_outbox WHERE state IN ('PENDING', 'FAILED')"
              + " AND next_attempt_at > ?")) {
        next.setObject(1, timestamp(now));
        try (ResultSet rows = next.executeQuery()) {
          rows.next();
          return new DueEmails(due, instant(rows.getObject(1, OffsetDateTime.class)));
        }
      }
    };
  }

  /** Rows per state and the oldest still owed, for health. */
  public static JdbcWork<OutboxCounts> counts() {
    return connection -> {
      Map<OutboxState, Long> byState = new EnumMap<>(OutboxState.class);
      for (OutboxState state : OutboxState.values()) {
        byState.put(state, 0L);
      }
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT state, COUNT(*) FROM email_outbox GROUP BY state");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          byState.put(OutboxState.valueOf(rows.getString(1)), rows.getLong(2));
        }
      }
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT MIN(created_at) FROM email_outbox WHERE state IN ('PENDING', 'FAILED')"
              + " AND next_attempt_at IS NOT NULL");
          ResultSet rows = select.executeQuery()) {
        rows.next();
        return new OutboxCounts(byState, instant(rows.getObject(1, OffsetDateTime.class)));
      }
    };
  }

  private static OutboxRow read(ResultSet rows) throws SQLException {
    return new OutboxRow(
        rows.getString("campaign_id"),
        rows.getString("kind"),
        OutboxState.valueOf(rows.getString("state")),
        rows.getInt("attempts"),
        rows.getString("last_error"),
        rows.getString("skip_reason"),
        instant(rows.getObject("next_attempt_at", OffsetDateTime.class)),
        rows.getString("recipient"),
        instant(rows.getObject("created_at", OffsetDateTime.class)),
        instant(rows.getObject("sent_at", OffsetDateTime.class)),
        rows.getString("eml_path"));
  }

  private static OffsetDateTime timestamp(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime at) {
    return at == null ? null : at.toInstant();
  }
}
