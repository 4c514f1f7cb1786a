package io.sluice.persistence.campaign;

import io.sluice.persistence.DueWork;
import io.sluice.persistence.Sql;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.sluice.protocols.campaign.CampaignStatus;

/**
 * The {@code campaign} table: the read side of the campaign entities, written by them (never by a projection, whose
 * polling would keep the pool from draining) and read by the HTTP API and by start-up, which wakes the campaigns
 * that were running.
 */
public final class Campaigns {
  private static final String COLUMNS = "id, workspace_id, name, owner_user_id, owner_email, status, lead_count,"
      + " final_count, hot_count, next_wake_at, created_at, updated_at";

  private Campaigns() {}

  /**
   * Writes the whole row: updates it, or inserts it when it does not exist yet (created_at is kept from the first
   * write). Answers whether the row was inserted.
   */
  public static JdbcWork<Boolean> upsert(CampaignRow campaign) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE campaign SET workspace_id = ?, name = ?,"
          + " owner_user_id = ?, owner_email = ?, status = ?, lead_count = ?, final_count = ?, hot_count = ?,"
          + " next_wake_at = ?, updated_at = ? WHERE id = ?")) {
        update.setString(1, campaign.workspaceId());
        update.setString(2, campaign.name());
        update.setString(3, campaign.ownerUserId());
        update.setString(4, campaign.ownerEmail());
        update.setString(5, campaign.status().name());
        update.setInt(6, campaign.leadCount());
        update.setInt(7, campaign.finalCount());
        update.setInt(8, campaign.hotCount());
        Sql.setInstant(update, 9, campaign.nextWakeAt());
        Sql.setInstant(update, 10, campaign.updatedAt());
        update.setString(11, campaign.id());
        if (update.executeUpdate() == 1) {
          return false;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO campaign (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          insert.setString(1, campaign.id());
          insert.setString(2, campaign.workspaceId());
          insert.setString(3, campaign.name());
          insert.setString(4, campaign.ownerUserId());
          insert.setString(5, campaign.ownerEmail());
          insert.setString(6, campaign.status().name());
          insert.setInt(7, campaign.leadCount());
          insert.setInt(8, campaign.finalCount());
          insert.setInt(9, campaign.hotCount());
          Sql.setInstant(insert, 10, campaign.nextWakeAt());
          Sql.setInstant(insert, 11, campaign.createdAt());
          Sql.setInstant(insert, 12, campaign.updatedAt());
          if (UniqueInsert.unlessPresent(connection, insert)) {
            return true;
          }
        }
        // Inserted concurrently since the update: the update now finds it.
        update.executeUpdate();
        return false;
      }
    };
  }

  /**
   * A new campaign's row and its leads, in one unit of work: the facade's transaction stores both or, on any
   * failure, neither. Answers the leads inserted.
   */
  public static JdbcWork<Integer> createWithLeads(CampaignRow campaign, List<NewLead> leads, int batchSize,
      Instant dueAt) {
    return connection -> {
      upsert(campaign).run(connection);
      return CampaignLeads.insert(campaign.id(), leads, batchSize, dueAt, campaign.updatedAt()).run(connection);
    };
  }

  /** Sets the status and next wake-up; false when the campaign has no row. */
  public static JdbcWork<Boolean> updateStatus(String campaignId, CampaignStatus status, Instant nextWakeAt,
      Instant now) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE campaign SET status = ?, next_wake_at = ?,"
          + " updated_at = ? WHERE id = ?")) {
        update.setString(1, status.name());
        Sql.setInstant(update, 2, nextWakeAt);
        Sql.setInstant(update, 3, now);
        update.setString(4, campaignId);
        return update.executeUpdate() == 1;
      }
    };
  }

  public static JdbcWork<Optional<CampaignRow>> find(String campaignId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign"
          + " WHERE id = ?")) {
        select.setString(1, campaignId);
        List<CampaignRow> rows = rows(select);
        return rows.stream().findFirst();
      }
    };
  }

  /** A workspace's campaigns, newest first, at most {@code limit}. */
  public static JdbcWork<List<CampaignRow>> ofWorkspace(String workspaceId, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign"
          + " WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT ?")) {
        select.setString(1, workspaceId);
        select.setInt(2, limit);
        return rows(select);
      }
    };
  }

  /**
   * The campaigns a starting service must wake (SCHEDULED or RUNNING), soonest wake-up first, those without one
   * last.
   */
  public static JdbcWork<List<CampaignRow>> toResume() {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM campaign"
          + " WHERE status IN ('SCHEDULED', 'RUNNING')"
          + " ORDER BY CASE WHEN next_wake_at IS NULL THEN 1 ELSE 0 END, next_wake_at, id")) {
        return rows(select);
      }
    };
  }

  /**
   * The campaigns with work due at {@code now} — RUNNING ones with a PENDING lead due, SCHEDULED ones whose start is
   * due, COMPLETED ones whose summary hand-over is owed (their {@code next_wake_at}) — and the earliest such due time
   * after {@code now}: what a tick in serverless mode wakes, read in one unit of work.
   */
  public static JdbcWork<DueWork> dueWork(Instant now) {
    return connection -> {
      List<String> due = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT c.id FROM campaign c"
          + " WHERE (c.status = 'RUNNING' AND EXISTS (SELECT 1 FROM campaign_lead l WHERE l.campaign_id = c.id"
          + " AND l.state = 'PENDING' AND l.next_attempt_at <= ?))"
          + " OR (c.status IN ('SCHEDULED', 'COMPLETED') AND c.next_wake_at <= ?) ORDER BY c.id")) {
        Sql.setInstant(select, 1, now);
        Sql.setInstant(select, 2, now);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            due.add(row.getString(1));
          }
        }
      }
      try (PreparedStatement next = connection.prepareStatement("SELECT MIN(d.due) AS next_due FROM ("
          + "SELECT MIN(l.next_attempt_at) AS due FROM campaign c JOIN campaign_lead l ON l.campaign_id = c.id"
          + " WHERE c.status = 'RUNNING' AND l.state = 'PENDING' AND l.next_attempt_at > ?"
          + " UNION ALL SELECT MIN(next_wake_at) AS due FROM campaign"
          + " WHERE status IN ('SCHEDULED', 'COMPLETED') AND next_wake_at > ?) d")) {
        Sql.setInstant(next, 1, now);
        Sql.setInstant(next, 2, now);
        return new DueWork(due, DueWork.earliest(next));
      }
    };
  }

  private static List<CampaignRow> rows(PreparedStatement select) throws SQLException {
    List<CampaignRow> rows = new ArrayList<>();
    try (ResultSet row = select.executeQuery()) {
      while (row.next()) {
        rows.add(new CampaignRow(row.getString("id"), row.getString("workspace_id"), row.getString("name"),
            row.getString("owner_user_id"), row.getString("owner_email"),
            CampaignStatus.valueOf(row.getString("status")), row.getInt("lead_count"), row.getInt("final_count"),
            row.getInt("hot_count"), Sql.instant(row, "next_wake_at"), Sql.instant(row, "created_at"),
            Sql.instant(row, "updated_at")));
      }
    }
    return rows;
  }
}
