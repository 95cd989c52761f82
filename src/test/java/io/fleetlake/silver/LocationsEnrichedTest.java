package io.fleetlake.silver;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.WeatherSettings;
import io.fleetlake.enrich.WeatherCell;
import io.fleetlake.enrich.WeatherSupply;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.testing.MutableClock;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestWeather;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocationsEnrichedTest {
  private static SparkSession spark;
  private static WeatherServer server;
  private static WeatherSettings weather;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    server = WeatherServer.start("127.0.0.1", 0, "none");
    weather = TestWeather.settings(server, Map.of()).weather();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** 3 units × 16 pings every 15 min over a day boundary, moving north-east, in bronze's shape. */
  private static Dataset<Row> pings() {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
    return spark.sql(String.format("""
        SELECT concat(unit_id, '-', i) AS event_id, unit_id,
               TIMESTAMP '%s 22:00:00' + make_interval(0, 0, 0, 0, 0, i * 15, 0) AS event_time,
               50.0D + u + i * 0.01D AS lat, 8.0D + i * 0.02D AS lon, 60.0D AS speed_kmh, 45.0D AS heading_deg,
               CAST(NULL AS DOUBLE) AS altitude_m, 80.0D AS fuel_level_pct, CAST(array() AS array<string>) AS quality_flags,
               0 AS kafka_partition, CAST(u * 100 + i AS BIGINT) AS kafka_offset, current_timestamp() AS ingest_time, i
        FROM (SELECT explode(array(0, 1, 2)) AS u) CROSS JOIN (SELECT explode(sequence(0, 15)) AS i)
        LATERAL VIEW explode(array(concat('TER-00', u))) t AS unit_id""", day));
  }

  @Test
  void manyOutOfOrderBatchesWithDuplicatesEqualOneComputationOverAll() {
    LakeSettings lake = new LakeSettings(spark.conf().get("spark.sql.catalog.bronze.path").replaceAll("/bronze$", "")
        + "/silver-it-" + UUID.randomUUID());
    LocationsEnriched silver = new LocationsEnriched(lake, weather, 2);
    Dataset<Row> all = pings().cache();
    // arrival: the even pings first, then late odd ones, one with a re-sent twin, in four batches
    List<Dataset<Row>> batches = List.of(
        all.filter("i % 2 = 0 AND i < 8"),
        all.filter("i % 2 = 0 AND i >= 8").union(all.filter("i = 3")),
        all.filter("i % 2 = 1 AND i > 8").union(all.filter("i = 9")).union(all.filter("i = 9")),
        all.filter("i % 2 = 1 AND i <= 8").union(all.filter("i = 12")));
    long duplicates = 0;
    for (Dataset<Row> batch : batches) {
      LocationsEnriched.Summary summary = silver.upsert(batch.drop("i"), 0, System.out);
      System.out.println("batch summary " + summary);
      duplicates += summary.duplicates();
    }
    Dataset<Row> table = spark.read().format("delta").load(FleetTable.LOCATIONS_ENRICHED.path(lake));
    assertEquals(48, table.count(), "each ping once");
    assertEquals(3 + 3 + 3 + 3, duplicates, "the re-sent and already-present pings are counted");
    String[] columns = {"event_id", "prev_event_time", "seconds_since_prev", "distance_km_since_prev"};
    Dataset<Row> once = EnrichedPings.withPreviousPing(all.drop("i")).selectExpr(columns);
    Dataset<Row> actual = table.selectExpr(columns);
    assertSameRows(spark.createDataFrame(once.collectAsList(), actual.schema()), actual);
    assertEquals(45, table.filter("seconds_since_prev = 900").count(), "every ping but each unit's first is 15 min after the last");
    assertEquals(48, table.filter("weather_status = 'ok'").count());
    assertEquals(48, table.filter("NOT unit_known AND unit_type IS NULL").count(), "no dimension yet: attributes null, flagged");
    // a batch is one commit (pings and their neighbours' corrections together: a crash cannot split them),
    // and the table has its change feed from its first commit on
    io.delta.tables.DeltaTable delta = io.delta.tables.DeltaTable.forPath(spark, FleetTable.LOCATIONS_ENRICHED.path(lake));
    assertEquals(List.of("WRITE", "MERGE", "MERGE", "MERGE"),
        delta.history().orderBy("version").select("operation").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals("true", delta.detail().select("properties").first().getJavaMap(0).get("delta.enableChangeDataFeed"));

    // two of the units become known (polled, then in the dimension): the next batch gives their pings attributes
    Dataset<Row> units = spark.sql("SELECT * FROM VALUES ('TER-000', 'Truck 0', 'terrestrial'), ('TER-001', 'Ship 1', "
        + "'maritime') AS t(unit_id, name, unit_type)").withColumn("updated_at", org.apache.spark.sql.functions.lit(
            java.sql.Timestamp.valueOf("2026-01-01 00:00:00"))).withColumn("_polled_at", org.apache.spark.sql.functions.current_timestamp());
    units.write().format("delta").save(FleetTable.POLLED_TRANSPORT_UNITS.path(lake));
    new SilverDimensions(lake).upsertUnitVersions(units);
    Dataset<Row> next = pings().filter("i = 15 AND unit_id = 'TER-002'").drop("i")
        .withColumn("event_id", org.apache.spark.sql.functions.lit("TER-002-16"))
        .withColumn("event_time", org.apache.spark.sql.functions.expr("event_time + INTERVAL 15 MINUTES"));
    LocationsEnriched.Summary described = silver.upsert(next, 0, System.out);
    assertEquals(32, described.unitsDescribed(), described.toString());
    Dataset<Row> after = spark.read().format("delta").load(FleetTable.LOCATIONS_ENRICHED.path(lake));
    assertEquals(16, after.filter("unit_known AND unit_id = 'TER-000' AND unit_type = 'terrestrial'").count());
    assertEquals(16, after.filter("unit_known AND unit_id = 'TER-001' AND name = 'Ship 1'").count());
    assertEquals(17, after.filter("NOT unit_known AND unit_id = 'TER-002'").count(), "still unknown: still flagged");
    assertEquals(0, silver.upsert(next, 0, System.out).unitsDescribed(), "described once");
  }

  /**
   * Hours fetched before their day ended are provisional; once the archive has the day (the clock moved past
   * weather.archive-after-days) they are fetched again, final, and the pings that used them follow (in silver's
   * change feed, which gold streams). Every value is checked against its place and hour: the server's
   * temperature encodes the UTC hour and day, its precipitation the latitude asked.
   */
  @Test
  void provisionalHoursTurnFinalAndEveryValueLandsAtItsHourAndPlace() throws Exception {
    provisionalHoursTurnFinal(false);
  }

  /**
   * A day the archive has had for longer than the live job's week of hourly tries
   * ({@link WeatherSupply#FINALISE_LOOKBACK_DAYS}) is left to the backfill: a live refill does not read it again
   * (its cost would grow with every such day, for ever), --backfill-weather makes it final.
   */
  @Test
  void aProvisionalDayPastTheLiveWeekTurnsFinalInTheBackfill() throws Exception {
    provisionalHoursTurnFinal(true);
  }

  private void provisionalHoursTurnFinal(boolean pastTheLiveWeek) throws Exception {
    LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(30);
    MutableClock clock = new MutableClock(day.plusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC));
    try (WeatherServer encoding = WeatherServer.start("127.0.0.1", 0, "none", null, clock).encodingHourAndLatitude()) {
      WeatherSettings settings = TestWeather.settings(encoding, Map.of()).weather();
      LakeSettings lake = new LakeSettings(spark.conf().get("spark.sql.catalog.bronze.path").replaceAll("/bronze$", "")
          + "/silver-provisional-" + UUID.randomUUID());
      LocationsEnriched silver = new LocationsEnriched(lake, settings, 2, WeatherSupply.onClock(settings, clock));
      // 22:00 on the day to 01:45 the next: the day was over when fetched, the next was not
      Dataset<Row> pings = pings().withColumn("event_time", col("event_time").plus(expr("INTERVAL "
          + (java.time.temporal.ChronoUnit.DAYS.between(LocalDate.now(ZoneOffset.UTC).minusDays(2), day)) + " DAYS")));
      silver.upsert(pings.drop("i"), 0, System.out);
      String path = FleetTable.LOCATIONS_ENRICHED.path(lake);
      Dataset<Row> before = spark.read().format("delta").load(path);
      assertEquals(48, before.count());
      assertEquals(3 * 8, before.filter("weather_status = 'ok'").count(), "22:00 to 23:45 of the day that had ended");
      assertEquals(3 * 8, before.filter("weather_status = 'provisional'").count(), "00:00 to 01:45 of the day that had not");
      assertEveryValueAtItsHourAndPlace(before, settings.gridDegrees());
      long version = io.delta.tables.DeltaTable.forPath(spark, path).history(1).first().getLong(0);

      clock.advance(java.time.Duration.ofDays(settings.archiveAfterDays() + 2
          + (pastTheLiveWeek ? WeatherSupply.FINALISE_LOOKBACK_DAYS : 0)));
      LocationsEnriched.Refill refill = silver.refillWeather(spark, path, 0, System.out);
      if (pastTheLiveWeek) {
        assertEquals(0, refill.changed() + refill.finalised(), refill.toString());
        assertEquals(3 * 8, spark.read().format("delta").load(path).filter("weather_status = 'provisional'").count());
        refill = silver.backfillWeather(spark, path, 0, System.out);
      }
      assertEquals(3 * 8, refill.changed(), refill.toString());
      Dataset<Row> after = spark.read().format("delta").load(path);
      assertEquals(48, after.filter("weather_status = 'ok'").count());
      assertEveryValueAtItsHourAndPlace(after, settings.gridDegrees());
      assertEquals(0, spark.read().format("delta").load(FleetTable.WEATHER_HOURLY.path(lake))
          .filter("provisional").count());
      assertEquals(3 * 8, spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", version + 1).load(path).filter("_change_type = 'update_postimage'").count(),
          "the finalised pings are changes for gold to recompute");
      assertEquals(0, silver.refillWeather(spark, path, 0, System.out).changed(), "final once");
    }
  }

  /**
   * A unit's fortnight backfilled at once: each cell's days share one location entry (up to 23 days weigh 1
   * with 6 variables), so the provider's weight is at most the unit's distinct cells, not its cell-days.
   */
  @Test
  void aFortnightsBackfillOfOneUnitWeighsAtMostItsDistinctCells() throws Exception {
    try (WeatherServer provider = WeatherServer.start("127.0.0.1", 0, "none")) {
      WeatherSettings settings = TestWeather.settings(provider, Map.of()).weather();
      LakeSettings lake = new LakeSettings(spark.conf().get("spark.sql.catalog.bronze.path").replaceAll("/bronze$", "")
          + "/silver-fortnight-" + UUID.randomUUID());
      LocationsEnriched silver = new LocationsEnriched(lake, settings, 2, WeatherSupply.onClock(settings,
          java.time.Clock.systemUTC()));
      // one unit shuttling between two towns 40 km apart, a ping every 15 minutes for 14 days, 30 to 17 days ago
      LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(30);
      Dataset<Row> fortnight = spark.sql(String.format("""
          SELECT concat('TER-900-', i) AS event_id, 'TER-900' AS unit_id,
                 TIMESTAMP '%s 00:00:00' + make_interval(0, 0, 0, 0, 0, i * 15, 0) AS event_time,
                 48.0D + abs((i %% 64) - 32) * 0.0125D AS lat, 11.0D + abs((i %% 64) - 32) * 0.0125D AS lon,
                 60.0D AS speed_kmh, 45.0D AS heading_deg, CAST(NULL AS DOUBLE) AS altitude_m, 80.0D AS fuel_level_pct,
                 CAST(array() AS array<string>) AS quality_flags, 0 AS kafka_partition, CAST(i AS BIGINT) AS kafka_offset,
                 current_timestamp() AS ingest_time
          FROM (SELECT explode(sequence(0, 14 * 96 - 1)) AS i)""", first));
      silver.upsert(fortnight, 0, System.out);
      Dataset<Row> rows = spark.read().format("delta").load(FleetTable.LOCATIONS_ENRICHED.path(lake));
      assertEquals(14 * 96, rows.filter("weather_status = 'ok'").count());
      String lat = "floor(lat / " + settings.gridDegrees() + " + 0.5)";
      String lon = "floor(lon / " + settings.gridDegrees() + " + 0.5)";
      long cells = rows.selectExpr(lat, lon).distinct().count();
      long cellDays = rows.selectExpr(lat, lon, "event_date").distinct().count();
      double weight = new io.fleetlake.testing.WeatherAdmin("http://127.0.0.1:" + provider.port()).stats()
          .get("weight").asDouble();
      System.out.printf("fortnight: weight %.0f for %d cells, %d cell-days%n", weight, cells, cellDays);
      assertTrue(cellDays >= 10 * cells, "the unit comes back to its cells day after day");
      assertTrue(weight <= cells, "weight " + weight + " for " + cells + " distinct cells");
    }
  }

  private static void assertEveryValueAtItsHourAndPlace(Dataset<Row> silver, double grid) {
    for (Row row : silver.select("event_id", "event_time", "lat", "temperature_c", "precipitation_mm").collectAsList()) {
      java.time.LocalDateTime at = row.getTimestamp(1).toInstant().atZone(ZoneOffset.UTC).toLocalDateTime();
      assertEquals(at.getHour() + at.getDayOfMonth() / 100.0, row.getDouble(3), 1e-9, row.toString());
      assertEquals(WeatherCell.of(row.getDouble(2), 0, at.toLocalDate(), grid).lat(), row.getDouble(4), 1e-4, row.toString());
    }
  }
}
