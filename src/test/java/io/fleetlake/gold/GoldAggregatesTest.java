package io.fleetlake.gold;

import static io.fleetlake.testing.DataFrames.assertSameRows;

import io.fleetlake.config.GoldSettings;
import io.fleetlake.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gold computations over a few hand-made silver rows, without a lake or a server: every figure below is
 * worked out by hand from the rows, so that a change to a formula (a cap, a share, a join) shows here by name.
 */
class GoldAggregatesTest {
  private static final GoldAggregates GOLD = new GoldAggregates(new GoldSettings(10_000, 2));
  private static SparkSession spark;
  private static Dataset<Row> pings;
  private static Dataset<Row> performance;
  private static Dataset<Row> dimension;

  @BeforeAll
  static void silver() {
    spark = TestSpark.session();
    // road-1: four pings in the hour of 10:00 (one standing, one crawling below moving speed, one whose weather
    // failed, one provisional), then one at 11:59 after a 74-minute gap; ship-1: a unit no dimension knows
    pings = spark.sql("""
        SELECT unit_id, CAST(event_time AS TIMESTAMP) AS event_time, to_date(CAST(event_time AS TIMESTAMP)) AS event_date,
               unit_type, CAST(speed_kmh AS DOUBLE) AS speed_kmh, CAST(distance_km_since_prev AS DOUBLE) AS distance_km_since_prev,
               CAST(seconds_since_prev AS BIGINT) AS seconds_since_prev, CAST(temperature_c AS DOUBLE) AS temperature_c,
               CAST(wind_speed_kmh AS DOUBLE) AS wind_speed_kmh, CAST(wind_gusts_kmh AS DOUBLE) AS wind_gusts_kmh,
               CAST(precipitation_mm AS DOUBLE) AS precipitation_mm, weather_status, fuel_type, manufacturer, model,
               CAST(company_id AS INT) AS company_id, CAST(max_payload_kg AS DOUBLE) AS max_payload_kg
        FROM VALUES
          ('road-1', '2026-11-20 10:00:00', 'road', 0,  NULL, NULL, 10,   5,    20,   0,    'ok',          'diesel', 'MAN', 'TGX', 7, 1000),
          ('road-1', '2026-11-20 10:15:00', 'road', 30, 7.5,  900,  12,   7,    30,   1,    'ok',          'diesel', 'MAN', 'TGX', 7, 1000),
          ('road-1', '2026-11-20 10:30:00', 'road', 60, 15,   900,  NULL, NULL, NULL, NULL, 'failed',      'diesel', 'MAN', 'TGX', 7, 1000),
          ('road-1', '2026-11-20 10:45:00', 'road', 1,  0.1,  900,  14,   9,    25,   NULL, 'provisional', 'diesel', 'MAN', 'TGX', 7, 1000),
          ('road-1', '2026-11-20 11:59:00', 'road', 50, 30,   4440, 16,   11,   40,   2,    'ok',          'diesel', 'MAN', 'TGX', 7, 1000),
          ('ship-1', '2026-11-20 08:00:00', NULL,   20, NULL, NULL, 8,    30,   50,   0,    'ok',          NULL,     NULL,  NULL,  NULL, NULL)
        AS t(unit_id, event_time, unit_type, speed_kmh, distance_km_since_prev, seconds_since_prev, temperature_c,
             wind_speed_kmh, wind_gusts_kmh, precipitation_mm, weather_status, fuel_type, manufacturer, model, company_id,
             max_payload_kg)""");
    // van-9 became a ship at midnight on the 20th; ghost reports but no dimension knows it; road-1's only version
    // starts after its day, and as version 1 it counts from the beginning
    performance = spark.sql("""
        SELECT unit_id, CAST(stat_date AS DATE) AS stat_date, CAST(payload_kg AS DECIMAL(10, 1)) AS payload_kg,
               CAST(engine_hours AS DECIMAL(6, 2)) AS engine_hours, CAST(idle_hours AS DECIMAL(6, 2)) AS idle_hours,
               CAST(avg_engine_temp_c AS DECIMAL(5, 1)) AS avg_engine_temp_c, CAST(maintenance_events AS INT) AS maintenance_events,
               CAST(distance_km AS DECIMAL(10, 3)) AS distance_km, CAST(fuel_used_l AS DECIMAL(10, 3)) AS fuel_used_l,
               CAST(energy_used_kwh AS DECIMAL(10, 3)) AS energy_used_kwh
        FROM VALUES
          ('road-1', '2026-11-20', 250, 3,  1,  80, 1, 52,  40.5, NULL),
          ('van-9',  '2026-11-19', 100, 2,  0,  70, 0, 20,  3.25, NULL),
          ('van-9',  '2026-11-20', 100, 5,  2,  60, 2, 40,  NULL, 12.5),
          ('ghost',  '2026-11-20', 0,   1,  1,  50, 0, 10,  2,    NULL)
        AS t(unit_id, stat_date, payload_kg, engine_hours, idle_hours, avg_engine_temp_c, maintenance_events, distance_km,
             fuel_used_l, energy_used_kwh)""");
    dimension = spark.sql("""
        SELECT unit_id, CAST(valid_from AS TIMESTAMP) AS valid_from, CAST(valid_to AS TIMESTAMP) AS valid_to,
               CAST(version AS INT) AS version, unit_type
        FROM VALUES
          ('road-1', '2026-11-25 00:00:00', NULL,                  1, 'road'),
          ('van-9',  '2026-11-01 00:00:00', '2026-11-20 00:00:00', 1, 'road'),
          ('van-9',  '2026-11-20 00:00:00', NULL,                  2, 'maritime')
        AS t(unit_id, valid_from, valid_to, version, unit_type)""");
  }

  @Test
  void anHourCountsMovingTimeCappedAndWeatherAsAShare() {
    assertRows("""
            SELECT CAST(date AS DATE) AS date, unit_id, CAST(hour AS TIMESTAMP) AS hour, unit_type, CAST(pings AS BIGINT) AS pings,
                   CAST(distance_km AS DOUBLE) AS distance_km, CAST(moving_minutes AS DOUBLE) AS moving_minutes,
                   CAST(mean_speed_kmh AS DOUBLE) AS mean_speed_kmh, CAST(p90_speed_kmh AS DOUBLE) AS p90_speed_kmh,
                   CAST(mean_temperature_c AS DOUBLE) AS mean_temperature_c, CAST(mean_precipitation_mm AS DOUBLE) AS mean_precipitation_mm,
                   CAST(weather_share AS DOUBLE) AS weather_share
            FROM VALUES
              -- 7.5 + 15 + 0.1 km; moving: the 15 minutes before 10:15 and before 10:30 (10:45 crawled at 1 km/h);
              -- the failed ping has no weather and counts against the share, the provisional one for it
              ('2026-11-20', 'road-1', '2026-11-20 10:00:00', 'road', 4, 22.6, 30, 22.75, 60, 12, 0.5, 0.75),
              -- a 74-minute gap counts as 30 moving minutes at most
              ('2026-11-20', 'road-1', '2026-11-20 11:00:00', 'road', 1, 30,   30, 50,    50, 16, 2,   1),
              -- a unit's first ping has no distance: 0, not NULL
              ('2026-11-20', 'ship-1', '2026-11-20 08:00:00', NULL,   1, 0,    0,  20,    20, 8,  0,   1)
            AS t(date, unit_id, hour, unit_type, pings, distance_km, moving_minutes, mean_speed_kmh, p90_speed_kmh,
                 mean_temperature_c, mean_precipitation_mm, weather_share)""",
        GOLD.hourly(pings).select("date", "unit_id", "hour", "unit_type", "pings", "distance_km", "moving_minutes",
            "mean_speed_kmh", "p90_speed_kmh", "mean_temperature_c", "mean_precipitation_mm", "weather_share"));
  }

  @Test
  void aDayCountsPerformanceUnderTheUnitsTypeOfThatDay() {
    assertRows("""
            SELECT CAST(date AS DATE) AS date, unit_type, CAST(active_units AS BIGINT) AS active_units,
                   CAST(pings AS BIGINT) AS pings, CAST(distance_km AS DOUBLE) AS distance_km,
                   CAST(p90_speed_kmh AS DOUBLE) AS p90_speed_kmh, CAST(reporting_units AS BIGINT) AS reporting_units,
                   CAST(fuel_used_l AS DOUBLE) AS fuel_used_l, CAST(fuel_distance_km AS DOUBLE) AS fuel_distance_km,
                   CAST(fuel_per_100km AS DOUBLE) AS fuel_per_100km, CAST(energy_used_kwh AS DOUBLE) AS energy_used_kwh,
                   CAST(maintenance_events AS BIGINT) AS maintenance_events
            FROM VALUES
              -- road-1's five pings and its fuel: 40.5 l over 52 km
              ('2026-11-20', 'road',     1, 5, 52.6, 60,   1, 40.5, 52,   77.885, NULL, 1),
              -- van-9 the day before, still a road unit then
              ('2026-11-19', 'road',     0, 0, NULL, NULL, 1, 3.25, 20,   16.25,  NULL, 0),
              -- van-9 as a ship from midnight: energy, no fuel, so no distance to divide it by
              ('2026-11-20', 'maritime', 0, 0, NULL, NULL, 1, NULL, NULL, NULL,   12.5, 2),
              -- ship-1's ping and ghost's performance: units no dimension knows
              ('2026-11-20', 'unknown',  1, 1, 0,    20,   1, 2,    10,   20,     NULL, 0)
            AS t(date, unit_type, active_units, pings, distance_km, p90_speed_kmh, reporting_units, fuel_used_l,
                 fuel_distance_km, fuel_per_100km, energy_used_kwh, maintenance_events)""",
        GOLD.daily(pings, performance, dimension).select("date", "unit_type", "active_units", "pings", "distance_km",
            "p90_speed_kmh", "reporting_units", "fuel_used_l", "fuel_distance_km", "fuel_per_100km", "energy_used_kwh",
            "maintenance_events"));
  }

  @Test
  void aFeatureRowForEachUnitDayWithPingsOrPerformance() {
    assertRows("""
            SELECT CAST(stat_date AS DATE) AS stat_date, unit_id, unit_type, CAST(pings AS BIGINT) AS pings,
                   CAST(distance_km AS DOUBLE) AS distance_km, CAST(moving_hours AS DOUBLE) AS moving_hours,
                   CAST(max_speed_kmh AS DOUBLE) AS max_speed_kmh, CAST(mean_wind_speed_kmh AS DOUBLE) AS mean_wind_speed_kmh,
                   CAST(payload_share AS DOUBLE) AS payload_share, CAST(reported_distance_km AS DOUBLE) AS reported_distance_km,
                   CAST(fuel_used_l AS DOUBLE) AS fuel_used_l, CAST(energy_used_kwh AS DOUBLE) AS energy_used_kwh
            FROM VALUES
              -- one hour moving in all; 250 kg of a 1,000 kg payload
              ('2026-11-20', 'road-1', 'road', 5, 52.6, 1,    60,   8,    0.25, 52,   40.5, NULL),
              ('2026-11-20', 'ship-1', NULL,   1, 0,    0,    20,   30,   NULL, NULL, NULL, NULL),
              -- performance without pings: a row, with no movement and no payload share (no maximum known)
              ('2026-11-19', 'van-9',  NULL,   0, NULL, NULL, NULL, NULL, NULL, 20,   3.25, NULL),
              ('2026-11-20', 'van-9',  NULL,   0, NULL, NULL, NULL, NULL, NULL, 40,   NULL, 12.5),
              ('2026-11-20', 'ghost',  NULL,   0, NULL, NULL, NULL, NULL, NULL, 10,   2,    NULL)
            AS t(stat_date, unit_id, unit_type, pings, distance_km, moving_hours, max_speed_kmh, mean_wind_speed_kmh,
                 payload_share, reported_distance_km, fuel_used_l, energy_used_kwh)""",
        GOLD.features(pings, performance).select("stat_date", "unit_id", "unit_type", "pings", "distance_km",
            "moving_hours", "max_speed_kmh", "mean_wind_speed_kmh", "payload_share", "reported_distance_km", "fuel_used_l",
            "energy_used_kwh"));
  }

  /**
   * The rows written by hand (in SQL, cast to the computed columns' types) equal the computed ones, doubles to 6
   * decimals so that a mean of decimals compares with a figure written by hand.
   */
  private static void assertRows(String expectedSql, Dataset<Row> actual) {
    Dataset<Row> expected = spark.createDataFrame(spark.sql(expectedSql).selectExpr(actual.columns()).collectAsList(),
        actual.schema());
    assertSameRows(rounded(expected), rounded(actual));
  }

  private static Dataset<Row> rounded(Dataset<Row> rows) {
    String[] columns = java.util.Arrays.stream(rows.schema().fields())
        .map(f -> f.dataType() instanceof org.apache.spark.sql.types.DoubleType
            ? "round(" + f.name() + ", 6) AS " + f.name() : f.name())
        .toArray(String[]::new);
    return rows.selectExpr(columns);
  }
}
