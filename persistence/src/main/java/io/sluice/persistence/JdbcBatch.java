package io.sluice.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * A statement the database facade runs once per stream element, sent to the database in JDBC batches of {@code
 * batchSize}, all in one transaction under one permit. Repositories in this module build these; {@link #over} runs
 * one for a list of elements inside a unit of work.
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

  /**
   * This statement once per element, in JDBC batches of {@code batchSize} (one round trip each), as part of a unit of
   * work; answers each element's update count, in order (for a conditional UPDATE: 1 where it took effect). Nothing
   * is sent for an empty list.
   */
  public JdbcWork<int[]> over(List<? extends T> elements) {
    return connection -> {
      int[] counts = new int[elements.size()];
      if (elements.isEmpty()) {
        return counts;
      }
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int from = 0; from < elements.size(); from += batchSize) {
          int to = Math.min(from + batchSize, elements.size());
          for (T element : elements.subList(from, to)) {
            binder.bind(element, statement);
            statement.addBatch();
          }
          int[] sent = statement.executeBatch();
          System.arraycopy(sent, 0, counts, from, sent.length);
        }
      }
      return counts;
    };
  }

  /** Binds one element to the statement's placeholders. */
  @FunctionalInterface
  public interface ElementBinder<T> {
    void bind(T element, PreparedStatement statement) throws SQLException;
  }
}
