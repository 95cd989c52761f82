package io.fleetlake.gold;

import io.delta.tables.DeltaTable;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.config.Settings;
import io.fleetlake.gold.GoldTables;
import io.fleetlake.lake.DeltaWrites;
import io.fleetlake.lake.FleetTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;

/**
 * silver → gold/unit_activity_hourly, gold/fleet_daily, gold/resource_usage_features. Two queries read the
 * change feeds of silver/locations_enriched and silver/unit_performance; each micro-batch recomputes the
 * hours, days and unit-days it touched and MERGEs them, one batch at a time (the two queries take turns, so
 * they never race on a gold table).
 *
 * <pre>
 * gold: batch 0 of pings: 11,520 changed rows → 2,871 unit-hours, 6 fleet-days, 120 unit-days; 14.2 s
 * </pre>
 */
public final class GoldJob implements StreamingJob {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.GOLD, """
      Streams the changes of silver/locations_enriched and silver/unit_performance into the gold tables:
      every hour, day and unit-day a change touches is computed again from silver and MERGEd, so late pings
      and revised performance rows correct what was aggregated before. fleetlake.gold.* sets the
      percentile accuracy and what counts as moving. Run silver-locations (and silver-dimensions) first.""")
      .withAvailableNow().withConfig();
  private static final String JOB = JobName.GOLD.command();
  public static final String PERFORMANCE_QUERY = JOB + "-performance";
  /** The pings' and the performance query's MERGEs take turns, however each was started. */
  private static final Object MERGES = new Object();

  @Override
  public List<String> requiredTables() {
    return List.of(FleetTable.LOCATIONS_ENRICHED.id());
  }

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of(FleetTable.UNIT_ACTIVITY_HOURLY.id(), FleetTable.FLEET_DAILY.id(), FleetTable.RESOURCE_USAGE_FEATURES.id());
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    OPTIONS.parse(context.args());
    Settings settings = context.settings();
    String pings = FleetTable.LOCATIONS_ENRICHED.path(settings.lake());
    String performance = FleetTable.UNIT_PERFORMANCE.path(settings.lake());
    if (!DeltaTable.isDeltaTable(spark, pings)) {
      throw new JobFailedException(pings + " does not exist yet: run silver-locations first");
    }
    GoldTables gold = new GoldTables(settings.lake(), settings.gold());
    PrintStream out = context.out();
    List<StreamingQuery> queries = new ArrayList<>();
    queries.add(start(spark, context, pings, "pings", gold, out,
        col("unit_id"), col("event_date").as("date"), date_trunc("hour", col("event_time")).as("hour")));
    java.util.Optional<StreamingQuery> performanceQuery = startPerformance(spark, context);
    if (performanceQuery.isPresent()) {
      queries.add(performanceQuery.get());
    } else {
      out.println("gold: " + performance + " does not exist yet (run poll-sources and silver-dimensions): "
          + "fuel and performance columns stay empty until it does and gold is started again (run-all starts it "
          + "itself)");
    }
    return queries;
  }

  /** The query of silver/unit_performance's changes, if that table exists: run-all starts it once it does. */
  public static java.util.Optional<StreamingQuery> startPerformance(SparkSession spark, JobContext context) throws Exception {
    Settings settings = context.settings();
    String performance = FleetTable.UNIT_PERFORMANCE.path(settings.lake());
    if (!DeltaTable.isDeltaTable(spark, performance)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(start(spark, context, performance, "performance",
        new GoldTables(settings.lake(), settings.gold()), context.out(),
        col("unit_id"), col("stat_date").as("date"), lit(null).cast("timestamp").as("hour")));
  }

  private static StreamingQuery start(SparkSession spark, JobContext context, String silver, String name,
                                      GoldTables gold, PrintStream out, Column... touched) throws Exception {
    DeltaWrites.enableChangeFeed(spark, silver);
    Dataset<Row> changes = spark.readStream().format("delta").option("readChangeFeed", "true").load(silver)
        .select(touched);
    return StreamingSession.start(changes, JOB + "-" + name, context.settings().lake().checkpoint(JOB, name),
        context.trigger(context.settings().streaming().tableCheckInterval()), (batch, id) -> {
          // the two queries take turns: concurrent MERGEs into one gold table would conflict
          synchronized (MERGES) {
            long start = System.nanoTime();
            long rows = batch.count();
            if (rows == 0) {
              return; // a silver commit that changed no row (OPTIMIZE): nothing to recompute
            }
            GoldTables.Summary s = gold.update(batch);
            out.printf("gold: batch %d of %s: %,d changed rows → %,d unit-hours, %,d day × type rows, %,d unit-days; %.1f s%n",
                id, name, rows, s.hours(), s.days(), s.unitDays(), (System.nanoTime() - start) / 1e9);
            out.flush();
          }
        });
  }
}
