package io.sluice.persistence;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;

/** The {@code sluice_instance} table: which service instances ran against this database and when they stopped. */
public final class InstanceRegistry {
  private InstanceRegistry() {}

  /** Inserts the instance's start; answers the rows written (1). */
  public static JdbcWork<Integer> recordStart(String instanceId, String host, Instant at) {
    return connection -> {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO sluice_instance (instance_id, host, started_at) VALUES (?, ?, ?)")) {
        insert.setString(1, instanceId);
        insert.setString(2, host);
        insert.setTimestamp(3, Timestamp.from(at));
        return insert.executeUpdate();
      }
    };
  }

  /** Stamps the instance's clean stop; answers the rows written (1 if the start was recorded). */
  public static JdbcWork<Integer> recordStop(String instanceId, Instant at) {
    return connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE sluice_instance SET stopped_at = ? WHERE instance_id = ?")) {
        update.setTimestamp(1, Timestamp.from(at));
        update.setString(2, instanceId);
        return update.executeUpdate();
      }
    };
  }
}
