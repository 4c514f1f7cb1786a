package io.sluice.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A statement the database facade runs once per stream element, sent to the database in JDBC batches of {@code
 * batchSize}, all in one transaction under one permit. Repositories in this module build these.
 *
 * @param sql an INSERT, UPDATE or DELETE with {@code ?} placeholders
 * @param binder binds one element to the placeholders
 * @param batchSize elements per JDBC batch (one round trip)
 */
public record JdbcBatch<T>(String sql, ElementBinder<T> binder, int batchSize) {
  /** Large enough to amortise a round trip, small enough to keep a batch's memory trivial. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  public JdbcBatch {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(binder, "binder");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
  }

  /** A batch statement with {@link #DEFAULT_BATCH_SIZE}. */
  public static <T> JdbcBatch<T> of(String sql, ElementBinder<T> binder) {
    return new JdbcBatch<>(sql, binder, DEFAULT_BATCH_SIZE);
  }

  public JdbcBatch<T> withBatchSize(int newBatchSize) {
    return new JdbcBatch<>(sql, binder, newBatchSize);
  }

  /** Binds one element to the statement's placeholders. */
  @FunctionalInterface
  public interface ElementBinder<T> {
    void bind(T element, PreparedStatement statement) throws SQLException;
  }
}
