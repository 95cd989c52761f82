package io.fleetlake.sources;

import io.fleetlake.config.PollSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.PostgresSettings;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How far bronze is behind a polled table, for doctor: the rows committed in the source since the last poll
 * (what the next poll would read), and the source transactions open longer than {@code poll.overlap} (their rows
 * are read once they commit; meanwhile they hold back VACUUM and the position's xmin).
 */
public final class PollLag {
  /**
   * @param lastPoll the commit time of the latest poll's bronze commit, empty if bronze has none
   * @param unpolledRows rows the next poll would read (the whole table if it was never polled)
   * @param sourceLatest the source's latest cursor value
   */
  public record TableLag(PolledTable table, Optional<Instant> lastPoll, long unpolledRows, Optional<Instant> sourceLatest) {
    public String line() {
      return String.format("poll  %-16s  %s: %,d rows committed since; %s's latest in the source: %s", table.table(),
          lastPoll.map(t -> "last poll " + t).orElse("never polled"), unpolledRows, table.cursor(),
          sourceLatest.map(Instant::toString).orElse("none"));
    }
  }

  /** A source transaction open for long, as pg_stat_activity shows it to this user. */
  public record OpenTransaction(int pid, String user, String state, Duration open) {}

  private PollLag() {}

  public static TableLag of(PostgresSettings postgres, PollSettings poll, PolledTable table, FileSystem lake, Path bronze)
      throws SQLException, IOException {
    Optional<Map.Entry<PollPosition, Instant>> position = PollPosition.latestInLog(lake, bronze);
    try (SourceTransaction source = SourceTransaction.begin(postgres, table);
         Statement statement = source.connection().createStatement()) {
      statement.setQueryTimeout((int) Math.max(1, postgres.queryTimeout().toSeconds()));
      String where = position.map(p -> " WHERE " + source.notReadBy(p.getKey())).orElse("");
      long unpolled;
      try (ResultSet r = statement.executeQuery("SELECT count(*) FROM " + table.qualifiedName() + where)) {
        r.next();
        unpolled = r.getLong(1);
      }
      Optional<Instant> latest = Optional.empty();
      boolean zoned = source.columns().stream().noneMatch(c -> c.name().equals(table.cursor()) && c.timestampWithoutZone());
      try (PreparedStatement latestCursor = source.connection().prepareStatement("SELECT max("
          + PolledTable.quote(table.cursor()) + ")" + (zoned ? "" : " AT TIME ZONE ?") + " FROM " + table.qualifiedName())) {
        if (!zoned) {
          latestCursor.setString(1, poll.sourceTimeZone().getId());
        }
        ResultSet r = latestCursor.executeQuery();
        r.next();
        Object value = r.getObject(1);
        if (value instanceof Timestamp t) {
          latest = Optional.of(t.toInstant());
        } else if (value instanceof java.time.OffsetDateTime t) {
          latest = Optional.of(t.toInstant());
        }
      }
      return new TableLag(table, position.map(Map.Entry::getValue), unpolled, latest);
    }
  }

  /**
   * Transactions open longer than {@code poll.overlap}; other users' sessions show their start only to a member
   * of pg_read_all_stats, so this sees what it may.
   */
  public static List<OpenTransaction> longTransactions(Connection connection, PollSettings poll) throws SQLException {
    List<OpenTransaction> open = new ArrayList<>();
    try (PreparedStatement p = connection.prepareStatement("SELECT pid, usename, state, "
        + "extract(epoch FROM now() - xact_start)::bigint FROM pg_stat_activity WHERE xact_start IS NOT NULL "
        + "AND pid <> pg_backend_pid() AND now() - xact_start > make_interval(secs => ?) ORDER BY xact_start")) {
      p.setDouble(1, poll.overlap().toMillis() / 1000.0);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          open.add(new OpenTransaction(r.getInt(1), r.getString(2), r.getString(3), Duration.ofSeconds(r.getLong(4))));
        }
      }
    }
    return open;
  }
}
