package io.fleetlake.sources;

import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.PostgresSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's read-only REPEATABLE READ transaction of one poll: its snapshot is the poll's position, and the
 * Spark readers import it ({@code SET TRANSACTION SNAPSHOT}), so every parallel reader sees exactly the rows the
 * position says were read — no update in the middle of a read is missed or read twice. Held open until the
 * bronze commit: an exported snapshot can be imported only while its transaction lives.
 */
final class SourceTransaction implements AutoCloseable {
  /** A column of the source table, with its type as Postgres names it. */
  record SourceColumn(String name, String type) {
    boolean timestampWithoutZone() {
      return type.startsWith("timestamp") && type.endsWith("without time zone");
    }
  }

  private final Connection connection;
  private final SourceSnapshot snapshot;
  private final String exportedId;
  private final Instant databaseTime;
  private long frozenBelow;
  private final List<SourceColumn> columns;

  private SourceTransaction(Connection connection, SourceSnapshot snapshot, String exportedId, Instant databaseTime,
                            long frozenBelow, List<SourceColumn> columns) {
    this.connection = connection;
    this.snapshot = snapshot;
    this.exportedId = exportedId;
    this.databaseTime = databaseTime;
    this.frozenBelow = frozenBelow;
    this.columns = columns;
  }

  static SourceTransaction begin(PostgresSettings postgres, PolledTable table) throws SQLException {
    Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), connectionProperties(postgres));
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        statement.setQueryTimeout((int) Math.max(1, postgres.queryTimeout().toSeconds()));
        statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        // the transaction waits idle while bronze is read and written: a server's idle-in-transaction timeout
        // (common on managed Postgres) must not end it under the readers
        statement.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
        // before the snapshot: a TRUNCATE or a table rewrite (ALTER … TYPE) is not MVCC-safe, and one that
        // committed after the snapshot would show the readers an empty table, every key deleted. Waits for one in
        // flight (within the query timeout); holds the next back until the poll ends. Names are checked plain
        // SQL identifiers, quoted.
        statement.execute("LOCK TABLE " + table.qualifiedName() + " IN ACCESS SHARE MODE");
        SourceSnapshot snapshot;
        String exported;
        Instant now;
        try (ResultSet r = statement.executeQuery("SELECT pg_is_in_recovery(), pg_current_snapshot()::text, "
            + "statement_timestamp()")) {
          r.next();
          if (r.getBoolean(1)) {
            // a standby's transaction ids are its primary's, but it cannot export a snapshot for the readers
            throw new SQLException("the database is a hot standby (in recovery): poll the primary");
          }
          snapshot = SourceSnapshot.parse(r.getString(2));
          now = r.getTimestamp(3).toInstant();
        }
        try (ResultSet r = statement.executeQuery("SELECT pg_export_snapshot()")) {
          r.next();
          exported = r.getString(1);
        }
        if (!exported.matches("[0-9A-Fa-f-]+")) {
          throw new SQLException("unexpected snapshot id from pg_export_snapshot(): " + exported);
        }
        long frozenBelow;
        List<SourceColumn> columns = new ArrayList<>();
        // the name is a bound value, never SQL text; regclass resolves it as SQL would (quoted identifiers)
        try (PreparedStatement p = connection.prepareStatement("SELECT c.relfrozenxid::text::bigint, a.attname, "
            + "format_type(a.atttypid, a.atttypmod) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            + "WHERE c.oid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
          p.setString(1, table.qualifiedName());
          try (ResultSet r = p.executeQuery()) {
            long relfrozen = 0;
            while (r.next()) {
              relfrozen = r.getLong(1);
              columns.add(new SourceColumn(r.getString(2), r.getString(3)));
            }
            frozenBelow = relfrozen < 3 ? 0 : snapshot.widen(relfrozen);
          }
        }
        return new SourceTransaction(connection, snapshot, exported, now, frozenBelow, List.copyOf(columns));
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Continues from {@code previous}: a row's id is kept down to the previous snapshot's xmin even where the table
   * was frozen since (a VACUUM FREEZE between two polls must not turn an unread row's id into 0).
   */
  void followFrom(PollPosition previous) {
    frozenBelow = Math.min(frozenBelow, previous.snapshot().xmin());
  }

  SourceSnapshot snapshot() {
    return snapshot;
  }

  /** statement_timestamp() of the poll's first statement: the database's clock, not this machine's. */
  Instant databaseTime() {
    return databaseTime;
  }

  long frozenBelow() {
    return frozenBelow;
  }

  List<SourceColumn> columns() {
    return columns;
  }

  /**
   * A zone id as a Postgres literal, for SQL that Spark's JDBC reader takes as text (it binds no parameters). A
   * ZoneId's id is letters, digits and {@code / _ + - :}; anything else is refused, never escaped.
   */
  static String zoneLiteral(java.time.ZoneId zone) {
    String id = zone.getId();
    if (!id.matches("[A-Za-z0-9/_+:-]+")) {
      throw new IllegalArgumentException("not a plain zone id: " + id);
    }
    return "'" + id + "'";
  }

  /** SQL true for the rows whose writing transaction {@code previous} had not read (ids are numbers, never data). */
  String notReadBy(PollPosition previous) {
    String xid = snapshot.rowXidSql(frozenBelow);
    String notSeen = previous.seen().isEmpty() ? ""
        : " AND " + xid + " <> ALL ('{" + previous.seen().stream().map(String::valueOf)
            .collect(java.util.stream.Collectors.joining(",")) + "}'::bigint[])";
    return xid + " >= " + previous.snapshot().xmin() + notSeen;
  }

  Connection connection() {
    return connection;
  }

  /**
   * What each Spark reader runs first, in the transaction Spark's Postgres dialect opens (autocommit off, as
   * fetch-size &gt; 0 asks): the same snapshot as this transaction.
   */
  String importStatement() {
    return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT '" + exportedId + "'";
  }

  /**
   * The settings' connection properties, with pgjdbc's autosave off: a savepoint before the readers' SET
   * TRANSACTION would make Postgres refuse it ("must not be called in a subtransaction").
   */
  static java.util.Properties connectionProperties(PostgresSettings postgres) {
    java.util.Properties properties = postgres.connectionProperties();
    properties.setProperty("autosave", "never");
    return properties;
  }

  /**
   * Ends the transaction. Read-only, so nothing is lost if that fails: by then the poll's rows and position are
   * committed to bronze, or nothing is.
   */
  @Override
  public void close() {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the server ended it already (a restart, a terminated backend): nothing to undo
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // as above
      }
    }
  }
}
