package io.sluice.persistence.campaign;

import io.sluice.persistence.JdbcBatch;
import io.sluice.persistence.JdbcQuery;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.Sql;
import io.sluice.protocols.campaign.CallOutcome;
import io.sluice.protocols.campaign.HotLead;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code campaign_lead} table: a campaign's leads, their attempts and outcomes.
 *
 * <p>A lead moves PENDING → DIALING → PENDING (retry) or FINAL. Every transition is a conditional update on the state
 * (and attempt) the caller saw, so that two dialers racing for a lead, a redelivered provider webhook or a replayed
 * command change it at most once; the methods answer whether their update took effect. The do-not-call list is
 * consulted when a lead is claimed, in the claiming statement itself, so a number added at any time before the dial is
 * never called.
 */
public final class CampaignLeads {
  static final String COLUMNS = "campaign_id, lead_id, name, phone, zones, metadata, state, attempts, next_attempt_at,"
      + " last_outcome, score, classification, summary, hot, call_id, idempotency_key, updated_at";
  private static final String HOT_LEADS = "SELECT lead_id, name, phone, score, classification, summary"
      + " FROM campaign_lead WHERE campaign_id = ? AND hot = TRUE ORDER BY score DESC, lead_id";
  private static final String NOT_ON_DNC = "SELECT 1 FROM do_not_call d WHERE d.workspace_id = ?"
      + " AND d.phone = campaign_lead.phone";

  private CampaignLeads() {}

  /**
   * Inserts the leads as PENDING, due at {@code dueAt}, in JDBC batches of {@code batchSize}. Run it as one unit of
   * work so the facade's transaction stores all of them or, on any failure (a duplicate phone, a lost connection),
   * none. Answers the rows inserted.
   */
  public static JdbcWork<Integer> insert(String campaignId, List<NewLead> leads, int batchSize, Instant dueAt,
      Instant now) {
    return connection -> {
      int inserted = 0;
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO campaign_lead (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, NULL, NULL, NULL, NULL, FALSE, NULL, NULL, ?)")) {
        int pending = 0;
        for (NewLead lead : leads) {
          insert.setString(1, campaignId);
          insert.setLong(2, lead.leadId());
          insert.setString(3, lead.name());
          insert.setString(4, lead.phone());
          insert.setString(5, String.join(" ", lead.zones()));
          insert.setString(6, lead.metadataJson());
          Sql.setInstant(insert, 7, dueAt);
          Sql.setInstant(insert, 8, now);
          insert.addBatch();
          if (++pending == batchSize) {
            inserted += executed(insert.executeBatch());
            pending = 0;
          }
        }
        if (pending > 0) {
          inserted += executed(insert.executeBatch());
        }
      }
      return inserted;
    };
  }

  /** PENDING leads due at {@code now}, earliest first (then in import order), at most {@code limit}. */
  public static JdbcWork<List<LeadRow>> due(String campaignId, Instant now, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign_lead"
          + " WHERE campaign_id = ? AND state = 'PENDING' AND next_attempt_at <= ?"
          + " ORDER BY next_attempt_at, lead_id LIMIT ?")) {
        select.setString(1, campaignId);
        Sql.setInstant(select, 2, now);
        select.setInt(3, limit);
        return rows(select);
      }
    };
  }

  /** When the next PENDING lead falls due; empty when none is waiting (all final or being dialled). */
  public static JdbcWork<Optional<Instant>> earliestDue(String campaignId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT MIN(next_attempt_at) AS earliest"
          + " FROM campaign_lead WHERE campaign_id = ? AND state = 'PENDING'")) {
        select.setString(1, campaignId);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return Optional.ofNullable(Sql.instant(row, "earliest"));
        }
      }
    };
  }

  /**
   * Claims PENDING leads for their next attempts, all in one JDBC batch: PENDING → DIALING, attempts + 1, the
   * idempotency key stored for the provider call. A lead is claimed only if it is still PENDING with {@code attempt -
   * 1} attempts (what the caller read), so of two concurrent claims exactly one wins. If the number is on the
   * workspace's do-not-call list the lead is made FINAL with outcome DO_NOT_CALL instead. Run it in its own unit of
   * work, before placing the calls. Claiming again what this very attempt already claimed (the same key: a campaign
   * resuming after a crash) answers CLAIMED and changes nothing, or ALREADY_SETTLED if its settlement was written
   * since. Answers each lead's result, by lead id.
   */
  public static JdbcWork<Map<Long, ClaimResult>> claim(String campaignId, String workspaceId, List<LeadClaim> claims,
      Instant now) {
    JdbcBatch<LeadClaim> dial = JdbcBatch.of("UPDATE campaign_lead SET state = 'DIALING',"
        + " attempts = attempts + 1, idempotency_key = ?, next_attempt_at = NULL, updated_at = ?"
        + " WHERE campaign_id = ? AND lead_id = ? AND state = 'PENDING' AND attempts = ?"
        + " AND NOT EXISTS (" + NOT_ON_DNC + ")", (claim, update) -> {
          update.setString(1, claim.idempotencyKey());
          Sql.setInstant(update, 2, now);
          update.setString(3, campaignId);
          update.setLong(4, claim.leadId());
          update.setInt(5, claim.attempt() - 1);
          update.setString(6, workspaceId);
        });
    JdbcBatch<LeadClaim> refuse = JdbcBatch.of("UPDATE campaign_lead SET state = 'FINAL',"
        + " last_outcome = 'DO_NOT_CALL', next_attempt_at = NULL, updated_at = ?"
        + " WHERE campaign_id = ? AND lead_id = ? AND state = 'PENDING' AND attempts = ?"
        + " AND EXISTS (" + NOT_ON_DNC + ")", (claim, update) -> {
          Sql.setInstant(update, 1, now);
          update.setString(2, campaignId);
          update.setLong(3, claim.leadId());
          update.setInt(4, claim.attempt() - 1);
          update.setString(5, workspaceId);
        });
    return connection -> {
      Map<Long, ClaimResult> results = new LinkedHashMap<>();
      int[] dialled = dial.over(claims).run(connection);
      // What the claim did not take is already this attempt's (a resumed campaign), on the list, or someone else's.
      List<LeadClaim> missed = new ArrayList<>();
      for (int i = 0; i < claims.size(); i++) {
        LeadClaim claim = claims.get(i);
        if (dialled[i] == 1 || alreadyClaimed(connection, campaignId, claim)) {
          results.put(claim.leadId(), ClaimResult.CLAIMED);
        } else {
          missed.add(claim);
        }
      }
      int[] refused = refuse.over(missed).run(connection);
      for (int i = 0; i < missed.size(); i++) {
        LeadClaim claim = missed.get(i);
        results.put(claim.leadId(), refused[i] == 1 ? ClaimResult.DO_NOT_CALL
            : alreadySettled(connection, campaignId, claim) ? ClaimResult.ALREADY_SETTLED : ClaimResult.NOT_CLAIMABLE);
      }
      return results;
    };
  }

  /** Whether this very attempt (its key) was claimed and has been settled since (the lead is no longer DIALING). */
  private static boolean alreadySettled(Connection connection, String campaignId, LeadClaim claim)
      throws SQLException {
    return attemptIs(connection, campaignId, claim, "state <> 'DIALING'");
  }

  /** Whether this very attempt (its key) holds the lead now. */
  private static boolean alreadyClaimed(Connection connection, String campaignId, LeadClaim claim)
      throws SQLException {
    return attemptIs(connection, campaignId, claim, "state = 'DIALING'");
  }

  private static boolean attemptIs(Connection connection, String campaignId, LeadClaim claim, String stateCondition)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM campaign_lead WHERE campaign_id = ?"
        + " AND lead_id = ? AND " + stateCondition + " AND attempts = ? AND idempotency_key = ?")) {
      select.setString(1, campaignId);
      select.setLong(2, claim.leadId());
      select.setInt(3, claim.attempt());
      select.setString(4, claim.idempotencyKey());
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  /**
   * Puts back attempt {@code attempt} of a DIALING lead that placed no call (rate limited, no call slot in time): the
   * lead is PENDING again, due at {@code retryAt}, with the attempt count it had before the claim, so the next claim
   * takes the same attempt number and idempotency key. False when the lead is not DIALING that attempt.
   */
  public static JdbcWork<Boolean> withdraw(String campaignId, long leadId, int attempt, Instant retryAt,
      Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE campaign_lead SET state = 'PENDING',"
          + " attempts = attempts - 1, next_attempt_at = ?, idempotency_key = NULL, updated_at = ?"
          + " WHERE campaign_id = ? AND lead_id = ? AND state = 'DIALING' AND attempts = ?")) {
        Sql.setInstant(update, 1, retryAt);
        Sql.setInstant(update, 2, now);
        update.setString(3, campaignId);
        update.setLong(4, leadId);
        update.setInt(5, attempt);
        return update.executeUpdate() == 1;
      }
    };
  }

  /** One lead, if the campaign has it. */
  public static JdbcWork<Optional<LeadRow>> find(String campaignId, long leadId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign_lead"
          + " WHERE campaign_id = ? AND lead_id = ?")) {
        select.setString(1, campaignId);
        select.setLong(2, leadId);
        return rows(select).stream().findFirst();
      }
    };
  }

  /**
   * {@link #recordOutcomes} and, in the same unit of work, the numbers whose calls ended DO_NOT_CALL added to the
   * workspace's do-not-call list.
   */
  public static JdbcWork<List<Boolean>> settle(String workspaceId, String campaignId, List<LeadOutcome> outcomes,
      List<String> doNotCall, Instant now) {
    return connection -> {
      List<Boolean> applied = recordOutcomes(campaignId, outcomes, now).run(connection);
      for (String phone : doNotCall) {
        DoNotCallList.add(workspaceId, phone, "call outcome DO_NOT_CALL", now).run(connection);
      }
      return applied;
    };
  }

  /**
   * Records how the attempts ended, all in one JDBC batch: each lead back to PENDING at {@link
   * OutcomeUpdate#retryAt()}, or FINAL when it is null. Each only while its lead is DIALING that very attempt, so a
   * duplicate or late report changes nothing. Answers, in order, whether each took effect.
   */
  public static JdbcWork<List<Boolean>> recordOutcomes(String campaignId, List<LeadOutcome> outcomes, Instant now) {
    JdbcBatch<LeadOutcome> record = JdbcBatch.of("UPDATE campaign_lead SET state = ?,"
        + " next_attempt_at = ?, last_outcome = ?, score = ?, classification = ?, summary = ?, hot = ?,"
        + " call_id = ?, updated_at = ?"
        + " WHERE campaign_id = ? AND lead_id = ? AND state = 'DIALING' AND attempts = ?", (ended, update) -> {
          OutcomeUpdate outcome = ended.update();
          update.setString(1, (outcome.retryAt() == null ? LeadState.FINAL : LeadState.PENDING).name());
          Sql.setInstant(update, 2, outcome.retryAt());
          update.setString(3, outcome.outcome().name());
          Sql.setNullableInt(update, 4, outcome.score());
          update.setString(5, outcome.classification());
          update.setString(6, outcome.summary());
          update.setBoolean(7, outcome.hot());
          update.setString(8, outcome.callId());
          Sql.setInstant(update, 9, now);
          update.setString(10, campaignId);
          update.setLong(11, ended.leadId());
          update.setInt(12, ended.attempt());
        });
    return connection -> Arrays.stream(record.over(outcomes).run(connection)).mapToObj(count -> count == 1).toList();
  }

  /** Moves a PENDING lead's next attempt (to a window's opening, say); false if the lead is not PENDING. */
  public static JdbcWork<Boolean> reschedule(String campaignId, long leadId, Instant nextAttemptAt, Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE campaign_lead SET next_attempt_at = ?,"
          + " updated_at = ? WHERE campaign_id = ? AND lead_id = ? AND state = 'PENDING'")) {
        Sql.setInstant(update, 1, nextAttemptAt);
        Sql.setInstant(update, 2, now);
        update.setString(3, campaignId);
        update.setLong(4, leadId);
        return update.executeUpdate() == 1;
      }
    };
  }

  /** Leads left DIALING (a call in flight, or a crash mid-call): what recovery must look at, in lead order. */
  public static JdbcWork<List<LeadRow>> dialing(String campaignId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign_lead"
          + " WHERE campaign_id = ? AND state = 'DIALING' ORDER BY lead_id")) {
        select.setString(1, campaignId);
        return rows(select);
      }
    };
  }

  /** The three counts of a campaign's progress, read together. */
  public static JdbcWork<LeadProgress> progress(String campaignId) {
    return connection -> new LeadProgress(countByState(campaignId).run(connection),
        countByOutcome(campaignId).run(connection), countByClassification(campaignId).run(connection));
  }

  /** How many leads are in each state; every state is present, zero included. */
  public static JdbcWork<Map<LeadState, Long>> countByState(String campaignId) {
    return connection -> {
      Map<LeadState, Long> counts = new EnumMap<>(LeadState.class);
      Arrays.stream(LeadState.values()).forEach(state -> counts.put(state, 0L));
      for (Map.Entry<String, Long> count : counts(connection.prepareStatement("SELECT state AS k, COUNT(*) AS n"
          + " FROM campaign_lead WHERE campaign_id = ? GROUP BY state"), campaignId).entrySet()) {
        counts.put(LeadState.valueOf(count.getKey()), count.getValue());
      }
      return counts;
    };
  }

  /** How many leads' latest attempt ended with each outcome; outcomes no lead has are absent. */
  public static JdbcWork<Map<CallOutcome, Long>> countByOutcome(String campaignId) {
    return connection -> {
      Map<CallOutcome, Long> counts = new EnumMap<>(CallOutcome.class);
      for (Map.Entry<String, Long> count : counts(connection.prepareStatement("SELECT last_outcome AS k,"
          + " COUNT(*) AS n FROM campaign_lead WHERE campaign_id = ? AND last_outcome IS NOT NULL"
          + " GROUP BY last_outcome"), campaignId).entrySet()) {
        counts.put(CallOutcome.valueOf(count.getKey()), count.getValue());
      }
      return counts;
    };
  }

  /** How many leads carry each classification, by label in alphabetical order. */
  public static JdbcWork<Map<String, Long>> countByClassification(String campaignId) {
    return connection -> counts(connection.prepareStatement("SELECT classification AS k, COUNT(*) AS n"
        + " FROM campaign_lead WHERE campaign_id = ? AND classification IS NOT NULL GROUP BY classification"
        + " ORDER BY classification"), campaignId);
  }

  /**
   * A page of leads in import order, after lead {@code afterLeadId} (0 for the first page; pass the last lead id of
   * a page for the next), optionally only those whose latest outcome and/or classification match.
   */
  public static JdbcWork<List<LeadRow>> list(String campaignId, Optional<CallOutcome> outcome,
      Optional<String> classification, long afterLeadId, int limit) {
    // Only fixed fragments are concatenated; every value is bound.
    String sql = "SELECT " + COLUMNS + " FROM campaign_lead WHERE campaign_id = ? AND lead_id > ?"
        + (outcome.isPresent() ? " AND last_outcome = ?" : "")
        + (classification.isPresent() ? " AND classification = ?" : "")
        + " ORDER BY lead_id LIMIT ?";
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int index = 1;
        select.setString(index++, campaignId);
        select.setLong(index++, afterLeadId);
        if (outcome.isPresent()) {
          select.setString(index++, outcome.get().name());
        }
        if (classification.isPresent()) {
          select.setString(index++, classification.get());
        }
        select.setInt(index, limit);
        return rows(select);
      }
    };
  }

  /** The {@code n} hottest leads, best score first (ties in import order). */
  public static JdbcWork<List<HotLead>> topHot(String campaignId, int n) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement(HOT_LEADS + " LIMIT ?")) {
        select.setString(1, campaignId);
        select.setInt(2, n);
        List<HotLead> hot = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            hot.add(hotLead(row));
          }
        }
        return hot;
      }
    };
  }

  /** Every hot lead, best first, as a query to stream (the download and the summary email's attachment). */
  public static JdbcQuery<HotLead> hotLeads(String campaignId) {
    return JdbcQuery.of(HOT_LEADS, statement -> statement.setString(1, campaignId), CampaignLeads::hotLead);
  }

  private static HotLead hotLead(ResultSet row) throws SQLException {
    return new HotLead(row.getLong("lead_id"), row.getString("name"), row.getString("phone"), row.getInt("score"),
        row.getString("classification"), row.getString("summary"));
  }

  private static Map<String, Long> counts(PreparedStatement select, String campaignId) throws SQLException {
    try (select) {
      select.setString(1, campaignId);
      Map<String, Long> counts = new LinkedHashMap<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          counts.put(row.getString("k"), row.getLong("n"));
        }
      }
      return counts;
    }
  }

  private static List<LeadRow> rows(PreparedStatement select) throws SQLException {
    List<LeadRow> rows = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rows.add(leadRow(row));
      }
    }
    return rows;
  }

  private static LeadRow leadRow(ResultSet row) throws SQLException {
    String outcome = row.getString("last_outcome");
    return new LeadRow(row.getString("campaign_id"), row.getLong("lead_id"), row.getString("name"),
        row.getString("phone"), List.of(row.getString("zones").split(" ")), row.getString("metadata"),
        LeadState.valueOf(row.getString("state")), row.getInt("attempts"), Sql.instant(row, "next_attempt_at"),
        outcome == null ? null : CallOutcome.valueOf(outcome), Sql.nullableInt(row, "score"),
        row.getString("classification"), row.getString("summary"), row.getBoolean("hot"), row.getString("call_id"),
        row.getString("idempotency_key"), Sql.instant(row, "updated_at"));
  }

  private static int executed(int[] counts) {
    int total = 0;
    for (int count : counts) {
      // A driver may answer SUCCESS_NO_INFO (-2) for a row it did insert.
      total += count == PreparedStatement.SUCCESS_NO_INFO ? 1 : count;
    }
    return total;
  }
}
