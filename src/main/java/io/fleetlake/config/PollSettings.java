package io.fleetlake.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What poll-sources reads from the source database. A table is described here only, so another table of the
 * same kind needs no code.
 *
 * @param overlap a source transaction open longer than this is worth a warning from doctor (the poll itself
 *     reads by transaction ids, not by cursor time, and misses no transaction however long)
 * @param fetchSize rows per round trip (Postgres holds a whole result in memory with 0)
 * @param snapshotPartitions parallel reads of a table's first, full snapshot
 * @param sourceTimeZone the zone a {@code timestamp} (without time zone) column of the source is written in
 * @param futureCursorMargin a cursor later than the database's own clock by more than this is flagged
 *     FUTURE_CURSOR
 * @param reconcileInterval how often a streaming poll compares the source's keys with bronze to find deletes
 *     (every {@code --available-now} poll does)
 */
public record PollSettings(List<PolledTable> tables, Duration overlap, int fetchSize, int snapshotPartitions,
                           ZoneId sourceTimeZone, Duration futureCursorMargin, Duration reconcileInterval) {

  /** The bronze tables poll-sources writes: their names under bronze/. */
  public List<String> bronzeTables() {
    return tables.stream().map(PolledTable::bronzeTable).toList();
  }

  /**
   * One source table.
   *
   * @param key the columns that identify a row
   * @param cursor a timestamp column that every insert and update sets (updated_at)
   * @param partitionBy partition columns of the bronze table
   * @param bronzeTable its name under bronze/
   */
  public record PolledTable(String schema, String table, List<String> key, String cursor, List<String> partitionBy,
                            String bronzeTable) {
    /** The table as SQL names it, quoted. */
    public String qualifiedName() {
      return quote(schema) + "." + quote(table);
    }

    public static String quote(String identifier) {
      return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
  }

  static PollSettings read(SettingsReader reader) {
    List<PolledTable> tables = new ArrayList<>();
    Set<String> bronzeNames = new HashSet<>();
    for (SettingsReader table : reader.objects("tables")) {
      String name = table.identifier("table");
      PolledTable polled = new PolledTable(
          table.has("schema") ? table.identifier("schema") : "public",
          name,
          table.identifiers("key", 1),
          table.identifier("cursor"),
          table.has("partition-by") ? table.identifiers("partition-by", 0) : List.of(),
          table.has("bronze-table") ? table.identifier("bronze-table") : name);
      if (!bronzeNames.add(polled.bronzeTable())) {
        throw new InvalidSettingException(table.fullKey("bronze-table"), polled.bronzeTable(),
            "must differ between polled tables (set bronze-table)");
      }
      tables.add(polled);
    }
    String zone = reader.string("source-time-zone");
    ZoneId sourceTimeZone;
    try {
      sourceTimeZone = ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw new InvalidSettingException(reader.fullKey("source-time-zone"), zone,
          "must be a time zone id such as UTC or Europe/Berlin");
    }
    return new PollSettings(List.copyOf(tables), reader.positiveDuration("overlap"), reader.intAtLeast("fetch-size", 1),
        reader.intAtLeast("snapshot-partitions", 1), sourceTimeZone, reader.positiveDuration("future-cursor-margin"),
        reader.positiveDuration("reconcile-interval"));
  }
}
