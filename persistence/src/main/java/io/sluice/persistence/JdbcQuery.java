package io.sluice.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A query whose rows are streamed by the database facade under one permit: the SQL text, how its parameters are bound,
 * how each row becomes a value, and how many rows the driver fetches per round trip. Repositories in this module build
 * these, as they build {@link JdbcWork}, so that no actor touches {@code java.sql}.
 *
 * <p>The fetch size is what makes the read a stream: PostgreSQL reads the whole result into memory unless the
 * statement has a fetch size and runs with autocommit off (the facade turns it off), in which case the driver reads
 * through a cursor, {@code fetchSize} rows at a time.
 *
 * @param sql the statement, with {@code ?} placeholders only: values are bound, never concatenated
 * @param parameters binds the placeholders
 * @param rows maps the current row of the result set (do not move the cursor)
 * @param fetchSize rows per round trip, also how many rows one read hands downstream at once
 */
public record JdbcQuery<T>(String sql, Parameters parameters, RowMapper<T> rows, int fetchSize) {
  /** Enough rows to make a round trip worth it, few enough that a {@code take(10)} costs nothing. */
  public static final int DEFAULT_FETCH_SIZE = 500;

  public JdbcQuery {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(rows, "rows");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("sql must not be blank");
    }
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetchSize must be at least 1, was " + fetchSize);
    }
  }

  /** A query with {@link #DEFAULT_FETCH_SIZE}. */
  public static <T> JdbcQuery<T> of(String sql, Parameters parameters, RowMapper<T> rows) {
    return new JdbcQuery<>(sql, parameters, rows, DEFAULT_FETCH_SIZE);
  }

  public JdbcQuery<T> withFetchSize(int newFetchSize) {
    return new JdbcQuery<>(sql, parameters, rows, newFetchSize);
  }

  /** Binds a statement's parameters. */
  @FunctionalInterface
  public interface Parameters {
    /** For a statement without placeholders. */
    Parameters NONE = statement -> {};

    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Turns the result set's current row into a value. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
  }
}
