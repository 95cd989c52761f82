package io.fleetlake.sources;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.PollSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.PostgresSettings;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.Layer;
import io.fleetlake.lake.SqlText;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.quality.QualityResults;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Polls one source table into its bronze table: every committed row version once, with the time it was polled.
 *
 * <p>Each poll opens a read-only REPEATABLE READ transaction and reads under its snapshot (the parallel readers
 * of a full read import it, so they see one moment). Which rows a poll reads is decided by transaction ids, not
 * by cursor time: a row whose writing transaction was not visible to the previous poll's snapshot is read (see
 * {@link PollPosition}). Postgres stamps {@code now()} at a transaction's start, so a cursor-time position
 * ({@code cursor > last − overlap}, Kafka Connect JDBC's and Hudi's way) misses every transaction longer than
 * its overlap, every row written by a slow clock, everything after a future-dated row; an xid position misses
 * none of them. The position is recorded in the bronze commit that holds the rows. A MERGE on (key, writing
 * transaction) drops anything read twice (a retried poll).
 *
 * <p>Deletes: the keys in the source are compared with the keys bronze holds as live (on a full read, every
 * {@code poll.reconcile-interval}, and when asked: {@code poll-sources --reconcile}); a key gone gets one row with
 * {@code source_deleted = true}, its cursor the database's time when the poll saw it gone.
 *
 * <p>What no poll can see: a version overwritten before the next poll (only the last one is read; CDC could).
 */
public final class TablePoller {
  public static final String POLLED_AT = "_polled_at";
  /** The 64-bit id of the source transaction that wrote the row version (null on a deletion row). */
  public static final String SOURCE_XID = "_source_xid";
  /** True on the row that records a key gone from the source. */
  public static final String SOURCE_DELETED = "source_deleted";
  public static final String FUTURE_CURSOR = "FUTURE_CURSOR";
  public static final String NULL_CURSOR = "NULL_CURSOR";
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  /**
   * @param read what was read: "full snapshot", or "since snapshot …"
   * @param rowsRead rows the source returned
   * @param rowsAdded row versions new to bronze (deletion rows included)
   * @param keysCompared source keys compared with bronze to find deletes, -1 if this poll did not look
   * @param deleted keys found gone from the source
   * @param futureCursors rows whose cursor is ahead of the database's clock (FUTURE_CURSOR in _quality/poll_results)
   * @param nullCursors rows without a cursor value
   * @param notes schema changes seen, one line each
   */
  public record PollResult(PolledTable table, String read, long rowsRead, long rowsAdded, long keysCompared,
                           long deleted, long futureCursors, long nullCursors, List<String> notes, double seconds) {
    public boolean full() {
      return read.startsWith("full snapshot");
    }

    public String line() {
      StringBuilder line = new StringBuilder(String.format("poll %s: %,d rows read (%s), %,d new versions → bronze/%s",
          table.table(), rowsRead, read, rowsAdded, table.bronzeTable()));
      if (keysCompared >= 0) {
        line.append(String.format("; deletes: %,d keys compared, %,d gone", keysCompared, deleted));
      }
      if (futureCursors > 0) {
        line.append(String.format("; %,d with %s ahead of the database's clock (%s)", futureCursors, table.cursor(),
            FUTURE_CURSOR));
      }
      if (nullCursors > 0) {
        line.append(String.format("; %,d without %s", nullCursors, table.cursor()));
      }
      return line.append(String.format("; %.1f s", seconds)).toString();
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

  /**
   * @param spark the job's session; the poller works in a session of its own (same context), whose commits carry
   *     the poll's position and whose MERGEs evolve bronze's schema, without touching the other queries' commits
   */
  public TablePoller(SparkSession spark, PostgresSettings postgres, PollSettings poll, LakeSettings lake) {
    this.spark = spark.newSession();
    this.spark.conf().set("spark.databricks.delta.schema.autoMerge.enabled", "true");
    // a poll that found nothing still commits its position: an idle table on a busy database would otherwise
    // fall 2^31 transactions behind its last recorded poll and be read whole again
    this.spark.conf().set("spark.databricks.delta.skipRecordingEmptyCommits", "false");
    this.postgres = postgres;
    this.poll = poll;
    this.lake = lake;
  }

  /** A poll that compares keys for deletes only when the reconcile interval has passed since the last did. */
  public PollResult poll(PolledTable table) {
    return poll(table, false);
  }

  /** @param reconcile compare the source's keys with bronze's now, whenever the last comparison was */
  public PollResult poll(PolledTable table, boolean reconcile) {
    long start = System.nanoTime();
    String path = lake.table(Layer.BRONZE.folder(), table.bronzeTable());
    SparkSession previous = SparkSession.getActiveSession().getOrElse(() -> null);
    SparkSession.setActiveSession(spark);
    try (SourceTransaction source = SourceTransaction.begin(postgres, table)) {
      boolean exists = DeltaTable.isDeltaTable(spark, path);
      Optional<PollPosition> position = exists ? PollPosition.latest(spark, path) : Optional.empty();
      SourceSnapshot now = source.snapshot();
      Optional<String> fullBecause = position.isEmpty()
          ? Optional.of(exists ? "no position recorded in bronze" : "first poll")
          : now.cannotFollow(position.get().snapshot());
      if (fullBecause.isEmpty()) {
        source.followFrom(position.get());
      }
      String read = fullBecause.map(why -> exists ? "full snapshot: " + why : "full snapshot")
          .orElseGet(() -> "since snapshot " + abbreviated(position.get().snapshot()));
      Dataset<Row> rows = (fullBecause.isPresent() ? readFull(table, source) : readSince(table, source, position.get()))
          .withColumn(SOURCE_DELETED, lit(false))
          .withColumn(POLLED_AT, current_timestamp())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Column cursor = col(quoted(table.cursor()));
        // one pass over the read rows for what the position and the quality rules need
        Row counts = rows.agg(count(lit(1)),
            count(when(cursor.isNull(), lit(1))),
            count(when(cursor.gt(lit(Timestamp.from(source.databaseTime().plus(poll.futureCursorMargin())))), lit(1))),
            collect_set(when(col(SOURCE_XID).geq(now.xmin()), col(SOURCE_XID)))).first();
        long rowsRead = counts.getLong(0);
        long nullCursors = counts.getLong(1);
        long futureCursors = counts.getLong(2);
        List<Long> readXids = counts.<Long>getList(3);
        List<String> notes = new ArrayList<>();
        Dataset<Row> written = withoutErased(rows, table);
        long keysCompared = -1;
        long deleted = 0;
        Optional<Instant> reconciledAt = position.flatMap(PollPosition::reconciledAt);
        boolean due = reconcile || fullBecause.isPresent() || reconciledAt.isEmpty()
            || reconciledAt.get().plus(poll.reconcileInterval()).isBefore(source.databaseTime());
        if (exists && due) {
          Dataset<Row> sourceKeys = fullBecause.isPresent() ? rows.select(keyColumns(table))
              : readKeys(table, source).persist(StorageLevel.MEMORY_AND_DISK());
          keysCompared = sourceKeys.count();
          Dataset<Row> gone = goneKeys(table, path, sourceKeys).localCheckpoint(true);
          deleted = gone.count();
          if (deleted > 0) {
            written = written.unionByName(deletions(table, gone, rows.schema(), source.databaseTime()));
          }
          sourceKeys.unpersist();
          reconciledAt = Optional.of(source.databaseTime());
        } else if (!exists) {
          reconciledAt = Optional.of(source.databaseTime());
        }
        PollPosition after = PollPosition.after(now, position, readXids, reconciledAt);
        if (exists) {
          // before the position is set: the ALTER an older bronze table needs must not carry it
          // (a dropped column is worth a warning when rows come without it, not at every idle poll)
          written = fitted(table, path, written, rowsRead > 0 ? notes : new ArrayList<>());
        }
        long added;
        spark.conf().set(USER_METADATA, after.json());
        try {
          if (!exists) {
            written.write().format("delta").mode("append").partitionBy(table.partitionBy().toArray(String[]::new))
                .save(path);
            added = written.count();
          } else {
            added = insertNewVersions(path, table, written);
          }
        } finally {
          spark.conf().unset(USER_METADATA);
        }
        recordQuality(table, now, rowsRead, futureCursors, nullCursors);
        return new PollResult(table, read, rowsRead, added, keysCompared, deleted, futureCursors, nullCursors,
            List.copyOf(notes), (System.nanoTime() - start) / 1e9);
      } finally {
        rows.unpersist();
      }
    } catch (PollFailedException e) {
      throw e;
    } catch (Exception e) { // JDBC's SQLException arrives unchecked through Spark's Scala code
      throw failed(table, e);
    } finally {
      if (previous == null) {
        SparkSession.clearActiveSession();
      } else {
        SparkSession.setActiveSession(previous);
      }
    }
  }

  private static String abbreviated(SourceSnapshot snapshot) {
    return snapshot.running().size() <= 3 ? snapshot.text()
        : snapshot.xmin() + ":" + snapshot.xmax() + ":(" + snapshot.running().size() + " running)";
  }

  /**
   * The source's columns as bronze keeps them: a {@code timestamp} (without time zone) column is read as the
   * instant it means in {@code poll.source-time-zone}, and each row carries the id of the transaction that wrote
   * it.
   */
  private String selectList(SourceTransaction source) {
    List<String> columns = new ArrayList<>();
    for (SourceTransaction.SourceColumn column : source.columns()) {
      columns.add(columnSql(source, column.name()));
    }
    columns.add(source.snapshot().rowXidSql(source.frozenBelow()) + " AS " + SOURCE_XID);
    return String.join(", ", columns);
  }

  private String columnSql(SourceTransaction source, String column) {
    String name = PolledTable.quote(column);
    boolean local = source.columns().stream().anyMatch(c -> c.name().equals(column) && c.timestampWithoutZone());
    return local ? "(" + name + " AT TIME ZONE " + SourceTransaction.zoneLiteral(poll.sourceTimeZone()) + ") AS " + name
        : name;
  }

  private Properties readerProperties(SourceTransaction source) {
    Properties properties = SourceTransaction.connectionProperties(postgres);
    // > 0 also makes Spark's Postgres dialect open a transaction, in which the import statement runs first
    properties.setProperty("fetchsize", Integer.toString(poll.fetchSize()));
    properties.setProperty("queryTimeout", Long.toString(Math.max(1, postgres.queryTimeout().toSeconds())));
    properties.setProperty("sessionInitStatement", source.importStatement());
    return properties;
  }

  /** Every row, in parallel readers split by a hash of the key, all at the poll's snapshot. */
  private Dataset<Row> readFull(PolledTable table, SourceTransaction source) {
    int parts = poll.snapshotPartitions();
    String hashOfKey = "(hashtext(concat_ws('|', " + table.key().stream().map(k -> PolledTable.quote(k) + "::text")
        .collect(Collectors.joining(", ")) + ")) & 2147483647) % " + parts;
    String[] predicates = new String[parts];
    for (int i = 0; i < parts; i++) {
      predicates[i] = hashOfKey + " = " + i;
    }
    String query = "(SELECT " + selectList(source) + " FROM " + table.qualifiedName() + ") AS polled";
    return spark.read().jdbc(postgres.jdbcUrl(), query, predicates, readerProperties(source));
  }

  /** The rows written by transactions the previous poll's snapshot did not see (ids are numbers, never data). */
  private Dataset<Row> readSince(PolledTable table, SourceTransaction source, PollPosition previous) {
    String query = "(SELECT " + selectList(source) + " FROM " + table.qualifiedName() + " WHERE "
        + source.notReadBy(previous) + ") AS polled";
    return spark.read().jdbc(postgres.jdbcUrl(), query, readerProperties(source));
  }

  /** The source's keys at the poll's snapshot: what the deletes are found from. */
  private Dataset<Row> readKeys(PolledTable table, SourceTransaction source) {
    // the key columns as bronze holds them (a local timestamp as its instant), or no key would match
    String query = "(SELECT " + table.key().stream().map(k -> columnSql(source, k)).collect(Collectors.joining(", "))
        + " FROM " + table.qualifiedName() + ") AS source_keys";
    return spark.read().jdbc(postgres.jdbcUrl(), query, readerProperties(source));
  }

  private static Column[] keyColumns(PolledTable table) {
    return table.key().stream().map(k -> col(quoted(k))).toArray(Column[]::new);
  }

  /** Keys whose latest bronze row is a live version but that the source no longer holds. */
  private Dataset<Row> goneKeys(PolledTable table, String path, Dataset<Row> sourceKeys) {
    Dataset<Row> bronze = spark.read().format("delta").load(path);
    Column deletedFlag = Arrays.asList(bronze.columns()).contains(SOURCE_DELETED)
        ? coalesce(col(SOURCE_DELETED), lit(false)) : lit(false);
    Column xid = Arrays.asList(bronze.columns()).contains(SOURCE_XID) ? col(SOURCE_XID) : lit(null).cast("long");
    Dataset<Row> live = bronze.withColumn("_deleted", deletedFlag).withColumn("_xid", xid)
        .withColumn("_n", row_number().over(Window.partitionBy(keyColumns(table))
            .orderBy(col(POLLED_AT).desc(), col("_xid").desc_nulls_last())))
        .filter(col("_n").equalTo(1).and(not(col("_deleted"))))
        .select(keyColumns(table));
    Column same = lit(true);
    for (String k : table.key()) {
      same = same.and(live.col(quoted(k)).eqNullSafe(sourceKeys.col(quoted(k))));
    }
    return live.join(sourceKeys, same, "left_anti");
  }

  /** One row per key gone: the key, the database's time as its cursor, every other column null. */
  private static Dataset<Row> deletions(PolledTable table, Dataset<Row> gone, StructType schema, Instant seenGone) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      String name = field.name();
      Column value;
      if (table.key().contains(name)) {
        value = col(quoted(name));
      } else if (name.equals(table.cursor())) {
        value = lit(Timestamp.from(seenGone)).cast(field.dataType());
      } else if (name.equals(SOURCE_DELETED)) {
        value = lit(true);
      } else if (name.equals(POLLED_AT)) {
        value = current_timestamp();
      } else {
        value = lit(null).cast(field.dataType());
      }
      columns.add(value.as(name));
    }
    return gone.select(columns.toArray(Column[]::new));
  }

  /**
   * {@code rows} fitted to bronze's schema. A new source column is kept (the MERGE adds it); a column bronze
   * has but the source no longer has stays in bronze, null in new rows; a narrower type is cast up to bronze's.
   * A type bronze cannot take without losing values fails this table's poll: Delta 3.3 on Spark 3.5 widens
   * only byte and short, and only behind a table feature that older readers (Athena among them) refuse.
   */
  private Dataset<Row> fitted(PolledTable table, String path, Dataset<Row> rows, List<String> notes) {
    StructType bronze = spark.read().format("delta").load(path).schema();
    Map<String, StructField> target = Arrays.stream(bronze.fields())
        .collect(Collectors.toMap(StructField::name, f -> f));
    Map<String, StructField> source = Arrays.stream(rows.schema().fields())
        .collect(Collectors.toMap(StructField::name, f -> f));
    Dataset<Row> fitted = rows;
    for (StructField field : rows.schema().fields()) {
      StructField existing = target.get(field.name());
      if (existing == null) {
        if (!field.name().equals(SOURCE_XID) && !field.name().equals(SOURCE_DELETED)) {
          notes.add("poll " + table.table() + ": new column " + field.name() + " (" + field.dataType().simpleString()
              + ") → added to bronze/" + table.bronzeTable());
        }
        continue;
      }
      DataType from = field.dataType();
      DataType to = existing.dataType();
      if (from.equals(to)) {
        continue;
      }
      if (!Cast.canUpCast(from, to)) {
        throw new PollFailedException("poll " + table.table() + " failed: column " + field.name() + " is "
            + from.simpleString() + " in the source but " + to.simpleString() + " in bronze/" + table.bronzeTable()
            + ", which cannot hold every value of it (Delta cannot widen it here): rewrite the bronze table with "
            + "the new type, or give the source column back its type (host " + postgres.host() + ":"
            + postgres.port() + ", database " + postgres.database() + ", table " + table.schema() + "." + table.table()
            + ")", null);
      }
      fitted = fitted.withColumn(field.name(), col(quoted(field.name())).cast(to));
    }
    for (StructField field : bronze.fields()) {
      if (!source.containsKey(field.name())) {
        notes.add("poll " + table.table() + ": WARNING column " + field.name() + " is gone from the source: it stays "
            + "in bronze/" + table.bronzeTable() + ", null in new rows");
      }
    }
    if (!target.containsKey(SOURCE_XID)) {
      // a bronze table of an older fleetlake: the MERGE condition below needs the columns before it can evolve
      spark.sql("ALTER TABLE delta.`" + path + "` ADD COLUMNS (" + SOURCE_XID + " BIGINT, " + SOURCE_DELETED
          + " BOOLEAN)");
    }
    return fitted;
  }

  /**
   * MERGE on (key, writing transaction): only versions bronze has not seen are inserted. Rows of an older
   * fleetlake carry no transaction id and are matched on (key, cursor), as that fleetlake did.
   */
  private long insertNewVersions(String path, PolledTable table, Dataset<Row> rows) {
    String view = "polled_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(view);
    try {
      String key = table.key().stream().map(k -> "t." + quoted(k) + " = s." + quoted(k)).collect(Collectors.joining(" AND "));
      String cursor = quoted(table.cursor());
      String on = key + " AND (t." + SOURCE_XID + " = s." + SOURCE_XID + " OR (t." + SOURCE_XID + " IS NULL AND NOT "
          + "coalesce(t." + SOURCE_DELETED + ", false) AND NOT s." + SOURCE_DELETED + " AND t." + cursor + " = s." + cursor
          + "))";
      Row metrics = spark.sql("MERGE INTO delta.`" + path + "` t USING " + view + " s ON " + on
          + onTheirPartitions(path, table, rows) + " WHEN NOT MATCHED THEN INSERT *").first();
      return metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /**
   * The polled rows' partitions, named on the target: Delta skips target files only by conditions on the target
   * alone, so a MERGE on the key read every day of bronze/unit_performance for a poll of one day's rows. Only
   * bronze's own partition columns are named (an older table may lack one the configuration names), each value as
   * an exact expression (timestamps by their microseconds: text would make two instants of a repeated hour one);
   * a column with more than 1,000 values among the rows (a full snapshot of a long history) is left unnamed.
   */
  private String onTheirPartitions(String path, PolledTable table, Dataset<Row> rows) {
    List<String> partitioned = DeltaTable.forPath(spark, path).detail().select("partitionColumns").first().getList(0);
    java.util.Set<String> columns = java.util.Set.of(rows.columns());
    StringBuilder on = new StringBuilder();
    for (String column : table.partitionBy()) {
      if (!partitioned.contains(column) || !columns.contains(column)) {
        continue;
      }
      DataType type = rows.schema().apply(column).dataType();
      Column value = col(quoted(column));
      Column exact = type instanceof org.apache.spark.sql.types.TimestampType
          ? org.apache.spark.sql.functions.expr("unix_micros(" + quoted(column) + ")").cast("string")
          : type instanceof org.apache.spark.sql.types.DateType
          ? org.apache.spark.sql.functions.expr("unix_date(" + quoted(column) + ")").cast("string")
          : value.cast("string");
      List<Row> values = rows.select(exact).distinct().limit(1_001).collectAsList();
      if (values.size() > 1_000) {
        continue;
      }
      List<String> literals = new ArrayList<>();
      boolean nulls = false;
      for (Row row : values) {
        if (row.isNullAt(0)) {
          nulls = true;
        } else if (type instanceof org.apache.spark.sql.types.TimestampType) {
          literals.add("timestamp_micros(" + Long.parseLong(row.getString(0)) + ")");
        } else if (type instanceof org.apache.spark.sql.types.DateType) {
          literals.add("date_from_unix_date(" + Integer.parseInt(row.getString(0)) + ")");
        } else {
          // no value is SQL: text written as hex, cast back to the column's type
          literals.add("CAST(" + SqlText.literal(row.getString(0)) + " AS " + type.sql() + ")");
        }
      }
      String target = "t." + quoted(column);
      on.append(" AND (").append(literals.isEmpty() ? "false" : target + " IN (" + String.join(", ", literals) + ")")
          .append(nulls ? " OR " + target + " IS NULL" : "").append(")");
    }
    return on.toString();
  }

  /**
   * FUTURE_CURSOR and NULL_CURSOR counts of this poll into _quality/poll_results (soft: the rows are kept),
   * _quality/results' shape. A table of its own: ingest-locations writes _quality/results from another driver,
   * and two drivers committing to one Delta table on S3 lose commits. Appended once per source snapshot: a
   * retried poll at the same snapshot adds nothing.
   */
  private void recordQuality(PolledTable table, SourceSnapshot now, long rowsRead, long future, long nulls) {
    List<QualityResults.RuleCount> counts = List.of(
        new QualityResults.RuleCount(FUTURE_CURSOR, QualityResults.Severity.SOFT, rowsRead, future),
        new QualityResults.RuleCount(NULL_CURSOR, QualityResults.Severity.SOFT, rowsRead, nulls));
    DeltaWrites.appendOnce(QualityResults.rows(spark, Layer.BRONZE.sqlName() + "." + table.bronzeTable(), "poll-sources", now.xmax(), counts)
        .coalesce(1), FleetTable.POLL_RESULTS.path(lake), "poll-sources/" + table.bronzeTable(), now.xmax(),
        FleetTable.POLL_RESULTS.partitionBy());
  }

  /**
   * The source still holds an erased unit's rows: versions from before the erasure are not brought back (a
   * full re-read would); a change made after it is new data.
   */
  private Dataset<Row> withoutErased(Dataset<Row> polled, PolledTable table) {
    if (!List.of(polled.columns()).contains("unit_id")) {
      return polled;
    }
    String dated = List.of(polled.columns()).contains("stat_date") ? "stat_date" : null;
    return ErasureLog.erased(spark, lake, dated, table.cursor()).map(erased -> polled.filter(not(erased)))
        .orElse(polled);
  }

  /** A source column by its name as Postgres has it: a dot or a backtick in it is part of the name. */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
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
