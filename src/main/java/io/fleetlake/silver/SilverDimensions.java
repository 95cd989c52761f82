package io.fleetlake.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.ErasureLog;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.sources.TablePoller;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The micro-batch writers of silver-dimensions. Both are idempotent: a replayed or repeated batch, or rows
 * that arrive out of order, leave the same silver tables.
 */
public final class SilverDimensions {
  /** A unit-day deleted in the source; never a column of silver. */
  private static final String GONE = "_gone";

  private final LakeSettings lake;

  public SilverDimensions(LakeSettings lake) {
    this.lake = lake;
  }

  /**
   * Rebuilds the versions of every unit in {@code batch} from all its bronze rows and puts them in place of that
   * unit's rows in silver/dim_transport_units (MERGE on unit_id and valid_from; versions that no longer
   * exist, because an older row arrived late, are deleted).
   */
  public long upsertUnitVersions(Dataset<Row> polled) {
    SparkSession spark = polled.sparkSession();
    Dataset<Row> batch = ErasureLog.withoutErased(polled, lake, null, TablePoller.POLLED_AT);
    List<String> units = batch.select(UnitDimension.KEY).distinct().as(Encoders.STRING()).collectAsList();
    if (units.isEmpty()) {
      return 0;
    }
    Dataset<Row> bronze = spark.read().format("delta").load(FleetTable.POLLED_TRANSPORT_UNITS.path(lake))
        .filter(col(UnitDimension.KEY).isin(units.toArray()));
    Dataset<Row> versions = UnitDimension.versions(bronze);
    String path = FleetTable.DIM_TRANSPORT_UNITS.path(lake);
    DeltaWrites.createOrMerge(spark, path, () -> versions.write().mode("append"), target -> target.as("t")
        // the NOT MATCHED BY SOURCE clause makes Delta read and rewrite the whole table: one row per unit version,
        // as many as the fleet's description changes, never growing with the days of pings
        .merge(versions.as("s"), "t.unit_id = s.unit_id AND t.valid_from = s.valid_from")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        // the ids as literal values, never as SQL text: an id is any string a source database holds
        .whenNotMatchedBySource(col("t." + UnitDimension.KEY).isin(units.toArray())).delete()
        .execute());
    return units.size();
  }

  /**
   * The latest version of each (unit_id, stat_date) in {@code batch} into silver/unit_performance; a unit-day
   * deleted in the source (its latest bronze row has source_deleted) is deleted, and gold recomputes that day.
   */
  public void upsertLatestPerformance(Dataset<Row> polled) {
    SparkSession spark = polled.sparkSession();
    Column deleted = List.of(polled.columns()).contains(TablePoller.SOURCE_DELETED)
        ? coalesce(col(TablePoller.SOURCE_DELETED), lit(false)) : lit(false);
    // the order the versions were committed in (the poll that read them, then the transaction), not the writer's
    // clock: a revision from a slow clock, or a deletion after a future-dated row, still comes last
    boolean polledAt = List.of(polled.columns()).contains(TablePoller.POLLED_AT);
    Column xid = List.of(polled.columns()).contains(TablePoller.SOURCE_XID) ? col(TablePoller.SOURCE_XID) : lit(null);
    Dataset<Row> latest = ErasureLog.withoutErased(polled, lake, "stat_date", TablePoller.POLLED_AT)
        .withColumn(GONE, deleted)
        .withColumn("n", row_number().over(Window.partitionBy("unit_id", "stat_date").orderBy(
            (polledAt ? col(TablePoller.POLLED_AT) : lit(null)).desc_nulls_last(), xid.desc_nulls_first(),
            col("updated_at").desc(), col(GONE).desc())))
        .filter("n = 1").drop("n", TablePoller.SOURCE_DELETED, TablePoller.SOURCE_XID);
    String path = FleetTable.UNIT_PERFORMANCE.path(lake);
    // gold streams the table's changes (revisions arrive as MERGE updates, deletions as deletes): the change
    // feed is on from the first commit, so gold starting meanwhile never changes the table's protocol under it
    if (DeltaWrites.createIfMissing(spark, path, () -> latest.filter(not(col(GONE))).drop(GONE).write().mode("append")
        .partitionBy(FleetTable.UNIT_PERFORMANCE.partitionBy()).option("delta.enableChangeDataFeed", "true"))) {
      return;
    }
    // a replayed or older row must not overwrite a later one: later means polled later (then by the cursor)
    String later = polledAt
        ? "(s._polled_at > t._polled_at OR (s._polled_at = t._polled_at AND s.updated_at > t.updated_at))"
        : "s.updated_at > t.updated_at";
    // the batch's days on the target: Delta skips target files (here whole stat_date partitions) only by
    // predicates on the target alone, never by the join's t.stat_date = s.stat_date
    Object[] days = latest.select("stat_date").distinct().as(Encoders.DATE()).collectAsList().toArray();
    DeltaTable.forPath(spark, path).as("t")
        .merge(latest.as("s"), col("t.stat_date").isin(days).and(expr("t.unit_id = s.unit_id AND t.stat_date = s.stat_date")))
        .whenMatched("s." + GONE + " AND " + later).delete()
        .whenMatched("NOT s." + GONE + " AND " + later).updateAll()
        .whenNotMatched("NOT s." + GONE).insertAll()
        .execute();
  }
}
