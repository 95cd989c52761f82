package io.fleetlake.sources;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.PollSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.PostgresSettings;
import io.fleetlake.lake.ErasureLog;
import java.util.List;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Polls one source table into its bronze table: every row version once, with the time it was polled.
 *
 * <p>The first poll reads a full snapshot (in parallel, split by a hash of the key). Later polls read
 * {@code cursor > latest cursor in bronze − overlap}: {@code cursor > last} alone would miss a row whose
 * transaction commits after a later row was read (the failure of Hudi's JdbcSource and of Kafka Connect JDBC in
 * timestamp mode). What the overlap reads again is dropped by a MERGE on (key, cursor), so replays and
 * overlaps add nothing. The position is not stored anywhere else: it is the latest cursor in bronze itself,
 * so it is committed atomically with the data it belongs to, and a crash between reading and writing neither
 * skips nor duplicates.
 */
public final class TablePoller {
  public static final String POLLED_AT = "_polled_at";

  /**
   * @param since the lower bound read, empty for a full snapshot
   * @param rowsRead rows the source returned
   * @param rowsAdded row versions new to bronze
   */
  public record PollResult(PolledTable table, Optional<Instant> since, long rowsRead, long rowsAdded, double seconds) {
    public String line() {
      return String.format("poll %s: %,d rows read (%s), %,d new versions → bronze/%s; %.1f s", table.table(), rowsRead,
          since.map(s -> "cursor > " + s).orElse("full snapshot"), rowsAdded, table.bronzeTable(), seconds);
    }
  }

  /** The poll of one table failed; the message names host, database and table, never the password. */
  public static final class PollFailedException extends RuntimeException {
    PollFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final SparkSession spark;
  private final PostgresSettings postgres;
  private final PollSettings poll;
  private final LakeSettings lake;

  public TablePoller(SparkSession spark, PostgresSettings postgres, PollSettings poll, LakeSettings lake) {
    this.spark = spark;
    this.postgres = postgres;
    this.poll = poll;
    this.lake = lake;
  }

  public PollResult poll(PolledTable table) {
    long start = System.nanoTime();
    String path = lake.table("bronze", table.bronzeTable());
    boolean exists = DeltaTable.isDeltaTable(spark, path);
    Optional<Instant> since = exists ? latestCursor(path, table).map(c -> c.minus(poll.overlap())) : Optional.empty();
    Dataset<Row> rows;
    long read;
    try {
      rows = withoutErased(read(table, since), table).withColumn(POLLED_AT, current_timestamp())
          .persist(StorageLevel.MEMORY_AND_DISK());
      read = rows.count();
    } catch (Exception e) { // JDBC's SQLException arrives unchecked through Spark's Scala code
      throw failed(table, e);
    }
    try {
      long added;
      if (!exists) {
        rows.write().format("delta").mode("append").partitionBy(table.partitionBy().toArray(String[]::new)).save(path);
        added = read;
      } else {
        added = insertNewVersions(path, table, rows);
      }
      return new PollResult(table, since, read, added, (System.nanoTime() - start) / 1e9);
    } catch (Exception e) {
      throw failed(table, e);
    } finally {
      rows.unpersist();
    }
  }

  /**
   * The source still holds an erased unit's rows: versions from before the erasure are not brought back (the
   * overlap re-reads them, and a lowered position could too); a change made after it is new data.
   */
  private Dataset<Row> withoutErased(Dataset<Row> polled, PolledTable table) {
    if (!List.of(polled.columns()).contains("unit_id")) {
      return polled;
    }
    String dated = List.of(polled.columns()).contains("stat_date") ? "stat_date" : null;
    return ErasureLog.erased(spark, lake, dated, table.cursor()).map(erased -> polled.filter(not(erased)))
        .orElse(polled);
  }

  private Optional<Instant> latestCursor(String path, PolledTable table) {
    Row row = spark.read().format("delta").load(path).agg(max(table.cursor())).first();
    return row.isNullAt(0) ? Optional.empty() : Optional.of(row.getTimestamp(0).toInstant());
  }

  private Dataset<Row> read(PolledTable table, Optional<Instant> since) {
    Properties properties = postgres.connectionProperties();
    properties.setProperty("fetchsize", Integer.toString(poll.fetchSize()));
    properties.setProperty("queryTimeout", Long.toString(Math.max(1, postgres.queryTimeout().toSeconds())));
    if (since.isPresent()) {
      String query = "(SELECT * FROM " + table.qualifiedName() + " WHERE " + PolledTable.quote(table.cursor())
          + " > TIMESTAMPTZ '" + since.get() + "') AS polled";
      return spark.read().jdbc(postgres.jdbcUrl(), query, properties);
    }
    int parts = poll.snapshotPartitions();
    String hashOfKey = "(hashtext(concat_ws('|', " + table.key().stream().map(k -> PolledTable.quote(k) + "::text")
        .collect(Collectors.joining(", ")) + ")) & 2147483647) % " + parts;
    String[] predicates = new String[parts];
    for (int i = 0; i < parts; i++) {
      predicates[i] = hashOfKey + " = " + i;
    }
    return spark.read().jdbc(postgres.jdbcUrl(), table.qualifiedName(), predicates, properties);
  }

  /** MERGE on (key, cursor): only versions bronze has not seen are inserted. */
  private long insertNewVersions(String path, PolledTable table, Dataset<Row> rows) {
    String view = "polled_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(view);
    try {
      String on = java.util.stream.Stream.concat(table.key().stream(), java.util.stream.Stream.of(table.cursor()))
          .map(c -> "t.`" + c + "` = s.`" + c + "`").collect(Collectors.joining(" AND "));
      Row metrics = spark.sql("MERGE INTO delta.`" + path + "` t USING " + view + " s ON " + on
          + " WHEN NOT MATCHED THEN INSERT *").first();
      return metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  private PollFailedException failed(PolledTable table, Exception e) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof SQLException)) {
      cause = cause.getCause();
    }
    String reason = cause != null ? cause.getMessage() : String.valueOf(e.getMessage());
    int newline = reason.indexOf('\n');
    reason = newline < 0 ? reason : reason.substring(0, newline);
    return new PollFailedException("poll " + table.table() + " failed: " + reason + " (host " + postgres.host() + ":"
        + postgres.port() + ", database " + postgres.database() + ", table " + table.schema() + "." + table.table() + ")", e);
  }
}
