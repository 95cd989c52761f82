package io.fleetlake.gold;

import io.fleetlake.app.JobContext;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.silver.LocationsEnriched;
import io.fleetlake.silver.SilverDimensions;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestWeather;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gold job over a small silver lake on the local file system (the weather from our weather server): gold
 * equals an independent computation over silver, and stays equal when a late ping and a revised performance
 * row arrive after their hour and day were aggregated.
 */
class GoldJobTest {
  private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(2);
  private static SparkSession spark;
  private static WeatherServer server;
  private static Settings settings;
  private static String root;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    server = WeatherServer.start("127.0.0.1", 0, "none");
    root = Path.of("target", "test-lake", "gold-" + UUID.randomUUID()).toAbsolutePath().toUri().toString();
    settings = TestWeather.settings(server, Map.of("FLEETLAKE_LAKE_ROOT", root));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Three units (road, air, sea) × 16 pings every 15 min from 22:00, over midnight, at varying speeds. */
  private static Dataset<Row> pings() {
    return spark.sql(String.format("""
        SELECT concat(unit_id, '-', i) AS event_id, unit_id,
               TIMESTAMP '%s 22:00:00' + make_interval(0, 0, 0, 0, 0, i * 15, 0) AS event_time,
               50.0D + u + i * 0.01D AS lat, 8.0D + i * 0.02D AS lon, CAST((i * 7 + u * 13) %% 90 AS DOUBLE) AS speed_kmh,
               45.0D AS heading_deg, CAST(NULL AS DOUBLE) AS altitude_m, 80.0D AS fuel_level_pct,
               CAST(array() AS array<string>) AS quality_flags, 0 AS kafka_partition, CAST(u * 100 + i AS BIGINT) AS kafka_offset,
               current_timestamp() AS ingest_time, i
        FROM (SELECT explode(array(0, 1, 2)) AS u) CROSS JOIN (SELECT explode(sequence(0, 15)) AS i)
        LATERAL VIEW explode(array(element_at(array('TER-000', 'AER-001', 'MAR-002'), u + 1))) t AS unit_id""", DAY));
  }

  private static Dataset<Row> performance(double fuelOfRoadUnit, String updatedAt) {
    return spark.sql(String.format("""
        SELECT unit_id, stat_date, CAST(40.5 AS DECIMAL(38, 18)) AS distance_km,
               CAST(IF(unit_id = 'TER-000', %s, 300.25) AS DECIMAL(38, 18)) AS fuel_used_l,
               CAST(NULL AS DECIMAL(38, 18)) AS energy_used_kwh, CAST(4 AS DECIMAL(38, 18)) AS engine_hours,
               CAST(1 AS DECIMAL(38, 18)) AS idle_hours, CAST(85.5 AS DECIMAL(38, 18)) AS avg_engine_temp_c,
               IF(unit_id = 'MAR-002', 1, 0) AS maintenance_events, CAST(5000 AS DECIMAL(38, 18)) AS payload_kg,
               TIMESTAMP '%s' AS updated_at
        FROM (SELECT explode(array('TER-000', 'AER-001', 'MAR-002')) AS unit_id)
        CROSS JOIN (SELECT explode(array(DATE '%s', DATE '%s')) AS stat_date)""",
        fuelOfRoadUnit, updatedAt, DAY, DAY.plusDays(1)));
  }

  private static void writeUnits() {
    spark.sql("""
        SELECT unit_id, unit_type, fuel_type, CAST(20000 AS DOUBLE) AS max_payload_kg,
               TIMESTAMP '2020-01-01 00:00:00' AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, true AS is_current,
               1 AS version, xxhash64(unit_id) AS version_key
        FROM VALUES ('TER-000', 'terrestrial', 'diesel'), ('AER-001', 'aerial', 'jet-a'), ('MAR-002', 'maritime', 'mgo')
          AS t(unit_id, unit_type, fuel_type)""")
        .write().format("delta").save(root + "/" + FleetTable.DIM_TRANSPORT_UNITS.id());
  }

  private static String runGold() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    for (StreamingQuery query : new GoldJob().start(spark, new JobContext("gold", settings, true, List.of(), out))) {
      query.awaitTermination();
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static long hourPings(String unit, String hour) {
    return spark.read().format("delta").load(root + "/gold/unit_activity_hourly")
        .filter("unit_id = '" + unit + "' AND hour = TIMESTAMP '" + DAY + " " + hour + "'").first().getAs("pings");
  }

  @Test
  void goldEqualsSilverRecomputedAndLateRowsCorrectWhatWasAggregated() throws Exception {
    writeUnits();
    LocationsEnriched silver = new LocationsEnriched(settings.lake(), settings.weather(), 2);
    SilverDimensions dimensions = new SilverDimensions(settings.lake());
    Dataset<Row> all = pings().cache();
    silver.upsert(all.filter("NOT (unit_id = 'TER-000' AND i = 5)").drop("i"), 0, System.out);
    dimensions.upsertLatestPerformance(performance(12.5, "2026-01-01 20:00:00"));

    String first = runGold();
    assertTrue(first.contains("batch 0 of pings: 47 changed rows"), first);
    assertEquals(3, hourPings("TER-000", "23:00:00"), "22:00 + 4, 6, 7 quarters; the 23:15 ping is not there yet");
    GoldExpectations.assertGoldMatchesSilver(spark, root);

    // the 23:15 ping arrives late, after its hour was aggregated; the road unit's fuel is revised
    silver.upsert(all.filter("unit_id = 'TER-000' AND i = 5").drop("i"), 0, System.out);
    dimensions.upsertLatestPerformance(performance(14.0, "2026-01-02 08:00:00").filter("unit_id = 'TER-000'"));
    String second = runGold();
    assertTrue(second.contains("of pings") && second.contains("of performance"), second);
    assertEquals(4, hourPings("TER-000", "23:00:00"), "the late ping corrected its hour");
    GoldExpectations.assertGoldMatchesSilver(spark, root);
    Row road = spark.read().format("delta").load(root + "/gold/fleet_daily")
        .filter("unit_type = 'terrestrial' AND date = DATE '" + DAY + "'").first();
    assertEquals(14.0, road.<Double>getAs("fuel_used_l"), "the revision replaced the first figure");
    assertEquals(14.0 / 40.5 * 100, road.<Double>getAs("fuel_per_100km"), 0.001);

    String third = runGold();
    assertTrue(!third.contains("batch"), "nothing new, nothing done: " + third);
  }
}
