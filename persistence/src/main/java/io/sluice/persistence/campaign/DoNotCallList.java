package io.sluice.persistence.campaign;

import io.sluice.persistence.Sql;
import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code do_not_call} table: numbers (E.164, normalised by the caller) a workspace must never call. Enforced when
 * a lead is claimed ({@link CampaignLeads#claim}), so an entry added while a campaign runs stops its next dial.
 */
public final class DoNotCallList {
  private DoNotCallList() {}

  /** Adds the number; false when it was already listed (the first entry's time and reason are kept). */
  public static JdbcWork<Boolean> add(String workspaceId, String phone, String reason, Instant now) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO do_not_call (workspace_id, phone,"
          + " added_at, reason) VALUES (?, ?, ?, ?)")) {
        insert.setString(1, workspaceId);
        insert.setString(2, phone);
        Sql.setInstant(insert, 3, now);
        insert.setString(4, reason);
        return UniqueInsert.unlessPresent(connection, insert);
      }
    };
  }

  /** Removes the number; false when it was not listed. */
  public static JdbcWork<Boolean> remove(String workspaceId, String phone) {
    return connection -> {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM do_not_call WHERE workspace_id = ?"
          + " AND phone = ?")) {
        delete.setString(1, workspaceId);
        delete.setString(2, phone);
        return delete.executeUpdate() == 1;
      }
    };
  }

  public static JdbcWork<Boolean> contains(String workspaceId, String phone) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM do_not_call WHERE workspace_id = ?"
          + " AND phone = ?")) {
        select.setString(1, workspaceId);
        select.setString(2, phone);
        try (ResultSet row = select.executeQuery()) {
          return row.next();
        }
      }
    };
  }

  /** A page of the list in phone order, after {@code afterPhone} ("" for the first page). */
  public static JdbcWork<List<DoNotCallEntry>> list(String workspaceId, String afterPhone, int limit) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT phone, added_at, reason FROM do_not_call"
          + " WHERE workspace_id = ? AND phone > ? ORDER BY phone LIMIT ?")) {
        select.setString(1, workspaceId);
        select.setString(2, afterPhone);
        select.setInt(3, limit);
        List<DoNotCallEntry> entries = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            entries.add(new DoNotCallEntry(row.getString("phone"), Sql.instant(row, "added_at"),
                row.getString("reason")));
          }
        }
        return entries;
      }
    };
  }
}
