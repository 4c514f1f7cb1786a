package io.sluice.persistence.campaign;

import io.sluice.persistence.JdbcWork;
import io.sluice.persistence.UniqueInsert;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * The {@code notification_preference} table: whether a user wants the summary email when a campaign of theirs
 * finishes. A user without a row has expressed no preference; the caller applies the default.
 */
public final class NotificationPreferences {
  private NotificationPreferences() {}

  /** The user's choice, or empty when never set. */
  public static JdbcWork<Optional<Boolean>> campaignSummaryEmail(String workspaceId, String userId) {
    return connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT campaign_summary_email"
          + " FROM notification_preference WHERE workspace_id = ? AND user_id = ?")) {
        select.setString(1, workspaceId);
        select.setString(2, userId);
        try (ResultSet row = select.executeQuery()) {
          return row.next() ? Optional.of(row.getBoolean(1)) : Optional.empty();
        }
      }
    };
  }

  /** Stores the user's choice, replacing any earlier one; answers the value stored. */
  public static JdbcWork<Boolean> setCampaignSummaryEmail(String workspaceId, String userId, boolean enabled) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE notification_preference"
          + " SET campaign_summary_email = ? WHERE workspace_id = ? AND user_id = ?")) {
        update.setBoolean(1, enabled);
        update.setString(2, workspaceId);
        update.setString(3, userId);
        if (update.executeUpdate() == 1) {
          return enabled;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notification_preference"
            + " (workspace_id, user_id, campaign_summary_email) VALUES (?, ?, ?)")) {
          insert.setString(1, workspaceId);
          insert.setString(2, userId);
          insert.setBoolean(3, enabled);
          if (!UniqueInsert.unlessPresent(connection, insert)) {
            // Inserted concurrently since the update: the update now finds it.
            update.executeUpdate();
          }
        }
        return enabled;
      }
    };
  }
}
