package io.sluice.persistence;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Blocking work on one connection, run by the database facade inside a transaction under a permit. Repositories in
 * this module build these, so that actors never touch {@code java.sql} themselves.
 */
@FunctionalInterface
public interface JdbcWork<T> {
  T run(Connection connection) throws SQLException;
}
