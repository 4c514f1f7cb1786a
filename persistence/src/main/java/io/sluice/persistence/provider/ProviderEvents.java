package io.sluice.persistence.provider;

import io.sluice.persistence.JdbcBatch;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code provider_event} table (migration V6): the inbox of the call provider's outcome events. The primary key on
 * the event id deduplicates redeliveries; {@code processed_at} marks events the campaign side has taken.
 */
public final class ProviderEvents {

  private ProviderEvents() {}

  /** What {@link #recordIfKnownAndNew} did with an event. */
  public enum Recorded {
    STORED,
    /** Its id was stored before: a redelivery. */
    DUPLICATE,
    /** No lead attempt of that campaign was placed under the event's idempotency key: nothing stored. */
    UNKNOWN_CALL
  }

  /** An event to store if it reports a call placed under {@code idempotencyKey}. */
  public record Candidate(ProviderEventRow row, String idempotencyKey) {}

  /**
   * {@link #recordIfKnownAndNew(ProviderEventRow, String)} for each event, in order, all in one unit of work: many
   * events, one commit. Answers what was done with each.
   */
  public static JdbcWork<List<Recorded>> recordIfKnownAndNew(List<Candidate> events) {
    return connection -> {
      List<Recorded> recorded = new ArrayList<>(events.size());
      for (Candidate event : events) {
        recorded.add(recordIfKnownAndNew(event.row(), event.idempotencyKey()).run(connection));
      }
      return recorded;
    };
  }

  /**
   * Stores the event if it reports a call Sluice placed (a lead attempt claimed under the event's idempotency key)
   * and its id is new, in one unit of work.
   */
  public static JdbcWork<Recorded> recordIfKnownAndNew(ProviderEventRow row, String idempotencyKey) {
    return connection -> {
      long leadId;
      try {
        leadId = Long.parseLong(row.leadId());
      } catch (NumberFormatException e) {
        return Recorded.UNKNOWN_CALL;
      }
      try (PreparedStatement known = connection.prepareStatement("SELECT 1 FROM campaign_lead"
          + " WHERE campaign_id = ? AND lead_id = ? AND idempotency_key = ?")) {
        known.setString(1, row.campaignId());
        known.setLong(2, leadId);
        known.setString(3, idempotencyKey);
        try (ResultSet found = known.executeQuery()) {
          if (!found.next()) {
            return Recorded.UNKNOWN_CALL;
          }
        }
      }
      return recordIfNew(row).run(connection) ? Recorded.STORED : Recorded.DUPLICATE;
    };
  }

  /**
   * Stores the event unless its id is already stored; answers whether this call stored it. The insert runs under a
   * savepoint so that a concurrent duplicate, refused by the primary key, leaves the transaction usable on PostgreSQL.
   */
  public static JdbcWork<Boolean> recordIfNew(ProviderEventRow row) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO provider_event (event_id, call_id, campaign_id, lead_id, attempt, status, payload, received_at)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, row.eventId());
        insert.setString(2, row.callId());
        insert.setString(3, row.campaignId());
        insert.setString(4, row.leadId());
        insert.setInt(5, row.attempt());
        insert.setString(6, row.status());
        insert.setString(7, row.payload());
        insert.setObject(8, utc(row.receivedAt()));
        return UniqueInsert.unlessPresent(connection, insert);
      }
    };
  }

  /**
   * Stamps the events as taken by the campaign side, in one JDBC batch; answers the rows changed (an event already
   * stamped, or unknown, counts 0).
   */
  public static JdbcWork<Integer> markProcessed(List<String> eventIds, Instant at) {
    JdbcBatch<String> stamp = JdbcBatch.of(
        "UPDATE provider_event SET processed_at = ? WHERE event_id = ? AND processed_at IS NULL", (eventId, update) -> {
          update.setObject(1, utc(at));
          update.setString(2, eventId);
        });
    return connection -> Arrays.stream(stamp.over(eventIds).run(connection)).sum();
  }

  /** The oldest {@code limit} events stored but never processed, oldest first. */
  public static JdbcWork<List<ProviderEventRow>> unprocessed(int limit) {
    return connection -> {
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT event_id, call_id, campaign_id, lead_id, attempt, status, payload, received_at FROM provider_event"
              + " WHERE processed_at IS NULL ORDER BY received_at, event_id FETCH FIRST ? ROWS ONLY")) {
        query.setInt(1, limit);
        List<ProviderEventRow> rows = new ArrayList<>();
        try (ResultSet result = query.executeQuery()) {
          while (result.next()) {
            rows.add(new ProviderEventRow(result.getString(1), result.getString(2), result.getString(3),
                result.getString(4), result.getInt(5), result.getString(6), result.getString(7),
                result.getObject(8, OffsetDateTime.class).toInstant()));
          }
        }
        return rows;
      }
    };
  }

  private static OffsetDateTime utc(Instant at) {
    return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
  }
}
