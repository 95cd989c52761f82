package io.fleetlake.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes to Delta tables that a replayed micro-batch cannot duplicate. */
public final class DeltaWrites {
  private DeltaWrites() {}

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
}
