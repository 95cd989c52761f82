package io.fleetlake.silver;

import io.delta.tables.DeltaTable;
import io.fleetlake.app.JobContext;
import io.fleetlake.app.JobFailedException;
import io.fleetlake.app.JobName;
import io.fleetlake.app.JobOptions;
import io.fleetlake.app.StreamingJob;
import io.fleetlake.app.StreamingSession;
import io.fleetlake.config.Settings;
import io.fleetlake.enrich.WeatherClient;
import io.fleetlake.enrich.WeatherEnrichment;
import io.fleetlake.enrich.WeatherSupply;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.silver.LocationsEnriched;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * bronze/locations → silver/locations_enriched: each ping once, with the unit's attributes as of the ping,
 * the weather there and then, and distance and time since the unit's previous ping.
 *
 * <pre>
 * silver-locations: batch 0: 11,635 bronze rows → 11,520 new pings (115 duplicates), 0 neighbours recomputed,
 *   weather: 0 cell-days from the lake, 1,212 locations fetched in 3 requests (weight 1,212), 0 pending, 0 failed; 0 earlier rows'
 *   weather changed, 0 still pending; 0 earlier pings given their unit; 41.2 s
 * </pre>
 */
public final class SilverLocationsJob implements StreamingJob {
  public static final JobOptions OPTIONS = JobOptions.of(JobName.SILVER_LOCATIONS, """
      Streams bronze/locations into silver/locations_enriched (MERGE on event_id, partitioned by event_date).
      A duplicate event_id is counted and dropped, whenever it arrives; a late ping is inserted and corrects
      the previous-ping columns of the unit's later pings (within streaming.late-ping-horizon). Weather comes
      from silver/weather_hourly, fetched from the provider within its limits (weather.limits): rows the
      budget could not pay for yet are weather_status pending and filled in by later batches; with
      --available-now the job waits for the budget up to weather.max-wait.""",
      JobOptions.flag("--backfill-weather", "only fill in pending and failed rows and turn every provisional hour of "
          + "the lake's history final\n(a running job tries the 7 days the archive got last, hourly), then exit"))
      .withAvailableNow().withConfig();
  private static final Logger LOG = LoggerFactory.getLogger(SilverLocationsJob.class);

  @Override
  public List<String> requiredTables() {
    return List.of(FleetTable.LOCATIONS.id());
  }

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of(FleetTable.LOCATIONS_ENRICHED.id(), FleetTable.WEATHER_HOURLY.id());
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    boolean backfill = OPTIONS.parse(context.args()).flag("--backfill-weather");
    Settings settings = context.settings();
    LocationsEnriched silver = new LocationsEnriched(settings.lake(), settings.weather(),
        (int) settings.streaming().latePingHorizon().toDays());
    String table = FleetTable.LOCATIONS_ENRICHED.path(settings.lake());
    PrintStream out = context.out();
    // --available-now waits for the provider's budget, all batches together, up to weather.max-wait
    long deadline = context.availableNow() || backfill
        ? System.currentTimeMillis() + settings.weather().maxWait().toMillis() : 0;
    if (backfill) {
      if (!DeltaTable.isDeltaTable(spark, table)) {
        throw new JobFailedException(table + " does not exist yet: run silver-locations first");
      }
      LocationsEnriched.Refill refill = silver.backfillWeather(spark, table, deadline, out);
      out.printf("silver-locations: weather changed for %,d rows, %,d cell-days made final; %,d rows stay pending "
          + "or failed%n", refill.changed(), refill.finalised(), refill.stillPending());
      return List.of();
    }
    String bronze = FleetTable.LOCATIONS.path(settings.lake());
    if (!DeltaTable.isDeltaTable(spark, bronze)) {
      throw new JobFailedException(bronze + " does not exist yet: run ingest-locations first");
    }
    WeatherSupply supply = silver.supply();
    Dataset<Row> pings = spark.readStream().format("delta")
        .option("maxFilesPerTrigger", settings.streaming().silverMaxFilesPerTrigger())
        // an erasure DELETEs from bronze and removes the same rows from silver itself: the stream reads on
        .option("skipChangeCommits", "true")
        .load(bronze);
    StreamingQuery query = StreamingSession.start(pings, context.jobName(),
        settings.lake().checkpoint(context.jobName(), FleetTable.LOCATIONS_ENRICHED.tableName()),
        context.trigger(settings.streaming().tableCheckInterval()), (batch, id) -> {
          if (batch.isEmpty()) {
            return; // a bronze commit without new rows (OPTIMIZE): nothing to enrich
          }
          long start = System.nanoTime();
          WeatherClient.Counters before = supply.counters();
          LocationsEnriched.Summary s = silver.upsert(batch, deadline, out);
          WeatherClient.Counters after = supply.counters();
          out.printf("silver-locations: batch %d: %,d bronze rows → %,d new pings (%,d duplicates), %,d neighbours "
                  + "recomputed, weather: %,d cell-days from the lake, %,d locations fetched in %,d requests (weight %,.0f), "
                  + "%,d pending, %,d failed; %,d earlier rows' weather changed, %,d still pending or failed, %,d "
                  + "cell-days made final; %,d earlier pings given their unit; %.1f s%n",
              id, s.rowsIn(), s.inserted(), s.duplicates(), s.recomputed(),
              s.supplied().fromLake(), after.locations() - before.locations(), after.calls() - before.calls(),
              after.weight() - before.weight(), s.supplied().pending().size(), s.supplied().failed().size(),
              s.weather().changed(), s.weather().stillPending(), s.weather().finalised(), s.unitsDescribed(),
              (System.nanoTime() - start) / 1e9);
          out.flush();
        });
    if (!context.availableNow()) {
      fillBetweenBatches(query, spark, silver, table, out);
    }
    return List.of(query);
  }

  @Override
  public void finished(SparkSession spark, JobContext context) {
    String table = FleetTable.LOCATIONS_ENRICHED.path(context.settings().lake());
    if (!context.availableNow() || !DeltaTable.isDeltaTable(spark, table)) {
      return;
    }
    long waiting = spark.read().format("delta").load(table).filter(WeatherEnrichment.refillable()).count();
    context.out().printf("silver-locations: %,d pings wait for their weather (pending or failed)%s%n", waiting,
        waiting == 0 ? "" : ": a later run, or the job streaming, fills them in as the provider's budget returns");
    context.out().flush();
  }

  /**
   * Rows wait for weather while the provider's budget is spent; batches come only with new pings, so a
   * driver thread fills them in each minute in between, as the budget returns, and looks hourly for days the
   * archive has made final. It stops with the query.
   */
  private static void fillBetweenBatches(StreamingQuery query, SparkSession spark, LocationsEnriched silver, String table,
                                         PrintStream out) {
    ScheduledExecutorService filler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "fleetlake-weather-filler");
      thread.setDaemon(true);
      return thread;
    });
    filler.scheduleWithFixedDelay(() -> {
      if (!query.isActive()) {
        filler.shutdown();
        return;
      }
      if (!silver.refillDue()) {
        return;
      }
      try {
        LocationsEnriched.Refill refill = LakeWriteLock.shared(() -> silver.refillWeather(spark, table, 0, out));
        if (refill.changed() > 0 || refill.finalised() > 0) {
          out.printf("silver-locations: between batches: weather changed for %,d rows, %,d cell-days made final; "
              + "%,d rows still pending or failed%n", refill.changed(), refill.finalised(), refill.stillPending());
          out.flush();
        }
      } catch (Exception e) {
        // the next minute tries again; a failing lake also fails the next batch, which says so
        LOG.warn("filling in pending weather failed", e);
      }
    }, 1, 1, TimeUnit.MINUTES);
  }
}
