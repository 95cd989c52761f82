package io.fleetlake.app;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.silver.SilverDimensions;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * bronze/transport_units → silver/dim_transport_units (SCD type 2) and bronze/unit_performance →
 * silver/unit_performance (latest version per unit and day), as two streaming queries of one application.
 *
 * <pre>
 * silver-dimensions: batch 0 of dim_transport_units: 60 bronze rows, versions of 60 units rebuilt
 * silver-dimensions: batch 0 of unit_performance: 120 bronze rows merged
 * </pre>
 */
final class SilverDimensionsJob implements StreamingJob {
  static final String USAGE = """
      Usage: silver-dimensions [--available-now] [--config FILE]
        Streams bronze/transport_units into silver/dim_transport_units (one row per version: valid_from,
        valid_to, is_current, version, version_key) and bronze/unit_performance into silver/unit_performance
        (the latest version of each unit and day). Run poll-sources first.""";

  @Override
  public List<String> requiredTables() {
    return List.of("bronze/transport_units", "bronze/unit_performance");
  }

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of("silver/" + SilverDimensions.DIM_UNITS, "silver/" + SilverDimensions.PERFORMANCE);
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    context.refuseArguments();
    Settings settings = context.settings();
    for (String table : List.of("transport_units", "unit_performance")) {
      if (!DeltaTable.isDeltaTable(spark, settings.lake().table("bronze", table))) {
        throw new JobFailedException("bronze/" + table + " does not exist yet: run poll-sources first");
      }
    }
    SilverDimensions silver = new SilverDimensions(settings.lake());
    PrintStream out = context.out();
    StreamingQuery units = start(spark, settings, context, SilverDimensions.DIM_UNITS, "transport_units",
        (batch, id) -> {
          long rows = batch.count();
          if (rows == 0) {
            return; // a bronze commit without new rows (OPTIMIZE)
          }
          long rebuilt = silver.upsertUnitVersions(batch);
          out.printf("silver-dimensions: batch %d of %s: %,d bronze rows, versions of %,d units rebuilt%n", id,
              SilverDimensions.DIM_UNITS, rows, rebuilt);
          out.flush();
        });
    StreamingQuery performance = start(spark, settings, context, SilverDimensions.PERFORMANCE, "unit_performance",
        (batch, id) -> {
          long rows = batch.count();
          if (rows == 0) {
            return;
          }
          silver.upsertLatestPerformance(batch);
          out.printf("silver-dimensions: batch %d of %s: %,d bronze rows merged%n", id, SilverDimensions.PERFORMANCE, rows);
          out.flush();
        });
    return List.of(units, performance);
  }

  private static StreamingQuery start(SparkSession spark, Settings settings, JobContext context, String query,
                                      String bronzeTable, VoidFunction2<Dataset<Row>, Long> writer) throws Exception {
    // a DELETE or UPDATE in bronze (an erasure, an operator's fix) is not a new row version: the stream reads on
    return spark.readStream().format("delta").option("skipChangeCommits", "true")
        .load(settings.lake().table("bronze", bronzeTable))
        .writeStream()
        .queryName("silver-dimensions-" + query)
        .option("checkpointLocation", settings.lake().checkpoint("silver-dimensions", query))
        .foreachBatch(LakeWriteLock.batches(writer))
        .trigger(context.trigger(settings.streaming().tableCheckInterval()))
        .start();
  }
}
