package io.fleetlake.lake;

import io.delta.tables.DeltaTable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes to Delta tables that a replayed micro-batch cannot duplicate: appends, and the create-if-missing-else-MERGE
 * of the tables kept by MERGE.
 */
public final class DeltaWrites {
  private DeltaWrites() {}

  /** Appends {@code rows}; the caller has made sure they are not in the table yet. */
  public static void append(Dataset<Row> rows, String path, String... partitionColumns) {
    append(rows.write(), path, partitionColumns);
  }

  /** As {@link #append(Dataset, String, String...)}, with the writer's own options (e.g. userMetadata). */
  public static void append(DataFrameWriter<Row> writer, String path, String... partitionColumns) {
    writer.format("delta").mode("append").partitionBy(partitionColumns).save(path);
  }

  /**
   * Appends {@code rows} unless this table already committed {@code version} for {@code appId}: Delta records
   * (appId, version) in the same commit as the data, so a batch replayed after a crash adds nothing twice.
   *
   * @param appId stable across restarts of one checkpoint (e.g. its query id), new for a new checkpoint
   */
  public static void appendOnce(Dataset<Row> rows, String path, String appId, long version, String... partitionColumns) {
    rows.write().format("delta").mode("append")
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .partitionBy(partitionColumns)
        .save(path);
  }

  /**
   * Creates the table at {@code path} by {@code firstWrite} if there is no Delta table there yet; returns whether it
   * did. The writer comes with everything but the format and the path: its mode ({@code append}, or Spark's default
   * {@code errorifexists}, which fails should another writer have created the table meanwhile; the commit records
   * which), partitioning and the table's {@code delta.*} properties. It is built only if the table is created, so
   * that its rows (often not the MERGE's source) are not even planned otherwise.
   */
  public static boolean createIfMissing(SparkSession spark, String path, Supplier<DataFrameWriter<Row>> firstWrite) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      return false;
    }
    firstWrite.get().format("delta").save(path);
    return true;
  }

  /**
   * The first write of a table kept by MERGE, or else its MERGE: creates the table as
   * {@link #createIfMissing} does, or, if it exists, opens it and hands it to {@code merge}, which builds the
   * MERGE and executes it. Returns whether it created the table. A writer with work to do between the check and
   * the opening (an early return when the table exists, a Spark job whose result the MERGE condition names) calls
   * {@link #createIfMissing} and opens the table itself once that work is done.
   */
  public static boolean createOrMerge(SparkSession spark, String path, Supplier<DataFrameWriter<Row>> firstWrite,
                                      Consumer<DeltaTable> merge) {
    if (createIfMissing(spark, path, firstWrite)) {
      return true;
    }
    merge.accept(DeltaTable.forPath(spark, path));
    return false;
  }

  /**
   * Turns on Delta's change data feed of an existing table, if it is not on yet: a reader streaming the table's
   * changes then sees updates and deletes (a plain Delta stream refuses a table that is MERGEd into).
   */
  public static void enableChangeFeed(SparkSession spark, String path) {
    setProperties(spark, path, java.util.Map.of("delta.enableChangeDataFeed", "true"));
  }

  /** The table property naming the columns whose per-file statistics Delta keeps (data skipping). */
  public static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

  /** Sets those of {@code wanted} the table at {@code path} lacks or has otherwise: no commit when none. */
  public static void setProperties(SparkSession spark, String path, java.util.Map<String, String> wanted) {
    setProperties(spark, path, DeltaTable.forPath(spark, path).detail().select("properties").first().getJavaMap(0), wanted);
  }

  /** As {@link #setProperties(SparkSession, String, java.util.Map)}, with the table's properties read already. */
  public static void setProperties(SparkSession spark, String path, java.util.Map<String, String> current,
                                   java.util.Map<String, String> wanted) {
    String changes = wanted.entrySet().stream()
        .filter(e -> !e.getValue().equals(current.get(e.getKey())))
        .map(e -> SqlText.quoted(e.getKey()) + " = " + SqlText.quoted(e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
    if (!changes.isEmpty()) {
      spark.sql("ALTER TABLE delta." + SqlText.identifier(path) + " SET TBLPROPERTIES (" + changes + ")");
    }
  }
}
