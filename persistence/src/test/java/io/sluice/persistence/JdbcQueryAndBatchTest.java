package io.sluice.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shapes the facade streams with refuse what would fail later, far from the caller. */
class JdbcQueryAndBatchTest {
  private static final JdbcQuery.RowMapper<Long> FIRST_COLUMN = row -> row.getLong(1);

  @Test
  void aQueryHasADefaultFetchSizeThatCanBeChanged() {
    JdbcQuery<Long> query = JdbcQuery.of("SELECT 1", JdbcQuery.Parameters.NONE, FIRST_COLUMN);
    assertEquals(JdbcQuery.DEFAULT_FETCH_SIZE, query.fetchSize());
    assertEquals(50, query.withFetchSize(50).fetchSize());
    assertEquals("SELECT 1", query.withFetchSize(50).sql());
  }

  @Test
  void aQueryRefusesBlankSqlAndANonPositiveFetchSize() {
    assertThrows(IllegalArgumentException.class, () -> JdbcQuery.of(" ", JdbcQuery.Parameters.NONE, FIRST_COLUMN));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> JdbcQuery.of("SELECT 1", JdbcQuery.Parameters.NONE, FIRST_COLUMN).withFetchSize(0));
    assertTrue(zero.getMessage().contains("fetchSize"), zero.getMessage());
    assertThrows(NullPointerException.class, () -> JdbcQuery.of("SELECT 1", null, FIRST_COLUMN));
  }

  @Test
  void aBatchRefusesBlankSqlAndANonPositiveBatchSize() {
    JdbcBatch<Long> insert = JdbcBatch.of("INSERT INTO t VALUES (?)", (n, statement) -> statement.setLong(1, n));
    assertEquals(JdbcBatch.DEFAULT_BATCH_SIZE, insert.batchSize());
    assertEquals(10, insert.withBatchSize(10).batchSize());
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> insert.withBatchSize(0));
    assertTrue(zero.getMessage().contains("batchSize"), zero.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JdbcBatch.of("", (Long n, java.sql.PreparedStatement s) -> {}));
  }
}
