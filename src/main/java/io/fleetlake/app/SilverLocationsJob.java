package io.fleetlake.app;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.Settings;
import io.fleetlake.enrich.WeatherCache;
import io.fleetlake.lake.LakeWriteLock;
import io.fleetlake.silver.LocationsEnriched;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * bronze/locations → silver/locations_enriched: each ping once, with the unit's attributes as of the ping,
 * the weather there and then, and distance and time since the unit's previous ping.
 *
 * <pre>
 * silver-locations: batch 0: 11,635 bronze rows → 11,520 new pings (115 duplicates), 0 neighbours recomputed,
 *   weather: 138 calls, 0 failed; 0 earlier rows' weather filled in; 41.2 s
 * </pre>
 */
final class SilverLocationsJob implements StreamingJob {
  static final String USAGE = """
      Usage: silver-locations [--available-now] [--backfill-weather] [--config FILE]
        Streams bronze/locations into silver/locations_enriched (MERGE on event_id, partitioned by event_date).
        A duplicate event_id is counted and dropped, whenever it arrives; a late ping is inserted and corrects
        the previous-ping columns of the unit's later pings (within streaming.late-ping-horizon). Rows whose weather could not be had
        (weather_status failed) are retried at every batch; --backfill-weather only does that, then exits.""";

  @Override
  public List<String> requiredTables() {
    return List.of("bronze/locations");
  }

  @Override
  public List<String> writtenTables(Settings settings) {
    return List.of("silver/" + LocationsEnriched.TABLE);
  }

  @Override
  public List<StreamingQuery> start(SparkSession spark, JobContext context) throws Exception {
    Arguments args = new Arguments(context.args());
    boolean backfill = args.flag("--backfill-weather");
    args.refuseTheRest();
    Settings settings = context.settings();
    LocationsEnriched silver = new LocationsEnriched(settings.lake(), settings.weather(),
        (int) settings.streaming().latePingHorizon().toDays());
    String table = settings.lake().table("silver", LocationsEnriched.TABLE);
    PrintStream out = context.out();
    if (backfill) {
      long fixed = silver.retryFailedWeather(spark, table);
      out.printf("silver-locations: weather filled in for %,d rows%n", fixed);
      return List.of();
    }
    String bronze = settings.lake().table("bronze", "locations");
    if (!DeltaTable.isDeltaTable(spark, bronze)) {
      throw new JobFailedException(bronze + " does not exist yet: run ingest-locations first");
    }
    WeatherCache cache = WeatherCache.shared(settings.weather());
    return List.of(spark.readStream().format("delta")
        .option("maxFilesPerTrigger", settings.streaming().silverMaxFilesPerTrigger())
        // an erasure DELETEs from bronze and removes the same rows from silver itself: the stream reads on
        .option("skipChangeCommits", "true")
        .load(bronze)
        .writeStream()
        .queryName(context.jobName())
        .option("checkpointLocation", settings.lake().checkpoint(context.jobName(), LocationsEnriched.TABLE))
        .foreachBatch(LakeWriteLock.batches((batch, id) -> {
          if (batch.isEmpty()) {
            return; // a bronze commit without new rows (OPTIMIZE): nothing to enrich
          }
          long start = System.nanoTime();
          WeatherCache.Counters before = cache.counters();
          LocationsEnriched.Summary s = silver.upsert(batch);
          WeatherCache.Counters after = cache.counters();
          out.printf("silver-locations: batch %d: %,d bronze rows → %,d new pings (%,d duplicates), %,d neighbours "
                  + "recomputed, weather: %,d calls, %,d cache hits, %,d failed calls; %,d earlier rows' weather filled in; "
                  + "%,d earlier pings given their unit; %.1f s%n",
              id, s.rowsIn(), s.inserted(), s.duplicates(), s.recomputed(),
              after.client().calls() - before.client().calls(), after.hits() - before.hits(),
              after.client().failures() - before.client().failures(), s.weatherFixed(), s.unitsDescribed(),
              (System.nanoTime() - start) / 1e9);
          out.flush();
        }))
        .trigger(context.trigger(settings.streaming().tableCheckInterval()))
        .start());
  }
}
