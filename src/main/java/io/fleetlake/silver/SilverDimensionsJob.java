package io.fleetlake.silver;

import io.delta.tables.DeltaTable;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
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
public final class SilverDimensionsJob implements StreamingJob {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.SILVER_DIMENSIONS, """
      Streams bronze/transport_units into silver/dim_transport_units (one row per version: valid_from,
      valid_to, is_current, version, version_key) and bronze/unit_performance into silver/unit_performance
      (the latest version of each unit and day). Run poll-sources first.""")
      .withAvailableNow().withConfig();

  @Override
  public List<String> requiredTables() {
    return List.of(FleetTable.POLLED_TRANSPORT_UNITS.id(), FleetTable.POLLED_UNIT_PERFORMANCE.id());
  }

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of(FleetTable.DIM_TRANSPORT_UNITS.id(), FleetTable.UNIT_PERFORMANCE.id());
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    OPTIONS.parse(context.args());
    Settings settings = context.settings();
    for (FleetTable table : List.of(FleetTable.POLLED_TRANSPORT_UNITS, FleetTable.POLLED_UNIT_PERFORMANCE)) {
      if (!DeltaTable.isDeltaTable(spark, table.path(settings.lake()))) {
        throw new JobFailedException(table.id() + " does not exist yet: run poll-sources first");
      }
    }
    SilverDimensions silver = new SilverDimensions(settings.lake());
    PrintStream out = context.out();
    StreamingQuery units = start(spark, settings, context, FleetTable.DIM_TRANSPORT_UNITS, FleetTable.POLLED_TRANSPORT_UNITS,
        (batch, id) -> {
          long rows = batch.count();
          if (rows == 0) {
            return; // a bronze commit without new rows (OPTIMIZE)
          }
          long rebuilt = silver.upsertUnitVersions(batch);
          out.printf("silver-dimensions: batch %d of %s: %,d bronze rows, versions of %,d units rebuilt%n", id,
              FleetTable.DIM_TRANSPORT_UNITS.tableName(), rows, rebuilt);
          out.flush();
        });
    StreamingQuery performance = start(spark, settings, context, FleetTable.UNIT_PERFORMANCE, FleetTable.POLLED_UNIT_PERFORMANCE,
        (batch, id) -> {
          long rows = batch.count();
          if (rows == 0) {
            return;
          }
          silver.upsertLatestPerformance(batch);
          out.printf("silver-dimensions: batch %d of %s: %,d bronze rows merged%n", id, FleetTable.UNIT_PERFORMANCE.tableName(), rows);
          out.flush();
        });
    return List.of(units, performance);
  }

  private static StreamingQuery start(SparkSession spark, Settings settings, JobContext context, FleetTable silver,
                                      FleetTable bronze, VoidFunction2<Dataset<Row>, Long> writer) throws Exception {
    // the query's name and checkpoint folder are the silver table's name: in users' lakes, never to change
    String query = silver.tableName();
    // a DELETE or UPDATE in bronze (an erasure, an operator's fix) is not a new row version: the stream reads on
    return StreamingSession.start(spark.readStream().format("delta").option("skipChangeCommits", "true")
            .load(bronze.path(settings.lake())),
        "silver-dimensions-" + query, settings.lake().checkpoint("silver-dimensions", query),
        context.trigger(settings.streaming().tableCheckInterval()), writer);
  }
}
