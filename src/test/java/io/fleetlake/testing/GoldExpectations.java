package io.fleetlake.testing;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The gold tables computed a second way, in SQL written here from the table descriptions (not from fleetlake's
 * code), over everything in silver; the gold job's incremental result must be the same: counts and sums
 * exactly, means to 1e-6, p90 within 1 % of the exact (nearest-rank) 90th percentile.
 */
public final class GoldExpectations {
  private static final double P90_TOLERANCE = 0.01;

  private GoldExpectations() {}

  /** Views silver_pings, silver_performance, silver_units over the silver tables under {@code root}. */
  public static void registerSilver(SparkSession spark, String root) {
    spark.read().format("delta").load(root + "/silver/locations_enriched").createOrReplaceTempView("silver_pings");
    spark.read().format("delta").load(root + "/silver/unit_performance").createOrReplaceTempView("silver_performance");
    spark.read().format("delta").load(root + "/silver/dim_transport_units").createOrReplaceTempView("silver_units");
  }

  /** Asserts the three gold tables under {@code root}; returns the largest relative p90 error seen. */
  public static double assertGoldMatchesSilver(SparkSession spark, String root) {
    registerSilver(spark, root);
    Dataset<Row> hourly = spark.read().format("delta").load(root + "/gold/unit_activity_hourly");
    Dataset<Row> daily = spark.read().format("delta").load(root + "/gold/fleet_daily");
    Dataset<Row> features = spark.read().format("delta").load(root + "/gold/resource_usage_features");
    same(spark, """
        SELECT to_date(date_trunc('hour', event_time)) AS date, unit_id, date_trunc('hour', event_time) AS hour,
               count(*) AS pings,
               CAST(coalesce(sum(CAST(distance_km_since_prev AS DECIMAL(20, 4))), 0) AS DOUBLE) AS distance_km,
               CAST(sum(IF(speed_kmh >= 2, least(coalesce(seconds_since_prev, 0), 1800), 0)) / 60 AS DOUBLE) AS moving_minutes,
               round(avg(speed_kmh), 6) AS mean_speed_kmh, max(speed_kmh) AS max_speed_kmh,
               round(avg(temperature_c), 6) AS mean_temperature_c, max(wind_gusts_kmh) AS max_wind_gusts_kmh,
               round(avg(IF(weather_status IN ('ok', 'provisional'), 1.0D, 0.0D)), 6) AS weather_share
        FROM silver_pings GROUP BY 1, 2, 3""", hourly, "pings", "distance_km", "moving_minutes",
        "round(mean_speed_kmh, 6) AS mean_speed_kmh", "max_speed_kmh", "round(mean_temperature_c, 6) AS mean_temperature_c",
        "max_wind_gusts_kmh", "round(weather_share, 6) AS weather_share");
    same(spark, """
        WITH typed_performance AS (
          SELECT p.*, coalesce(u.unit_type, 'unknown') AS type
          FROM silver_performance p LEFT JOIN silver_units u ON u.unit_id = p.unit_id
            AND (u.version = 1 OR u.valid_from <= CAST(p.stat_date AS TIMESTAMP))
            AND (u.valid_to IS NULL OR CAST(p.stat_date AS TIMESTAMP) < u.valid_to)),
        movement AS (
          SELECT event_date AS date, coalesce(unit_type, 'unknown') AS unit_type, count(DISTINCT unit_id) AS active_units,
                 count(*) AS pings, CAST(coalesce(sum(CAST(distance_km_since_prev AS DECIMAL(20, 4))), 0) AS DOUBLE) AS distance_km
          FROM silver_pings GROUP BY 1, 2),
        fuel AS (
          SELECT stat_date AS date, type AS unit_type, count(*) AS reporting_units,
                 CAST(sum(CAST(fuel_used_l AS DECIMAL(20, 3))) AS DOUBLE) AS fuel_used_l,
                 CAST(sum(maintenance_events) AS BIGINT) AS maintenance_events
          FROM typed_performance GROUP BY 1, 2)
        SELECT date, unit_type, coalesce(active_units, 0) AS active_units, coalesce(pings, 0) AS pings, distance_km,
               coalesce(reporting_units, 0) AS reporting_units, fuel_used_l, maintenance_events
        FROM movement FULL OUTER JOIN fuel USING (date, unit_type)""", daily, "active_units", "pings", "distance_km",
        "reporting_units", "fuel_used_l", "maintenance_events");
    same(spark, """
        WITH movement AS (
          SELECT unit_id, event_date AS stat_date, count(*) AS pings,
                 CAST(coalesce(sum(CAST(distance_km_since_prev AS DECIMAL(20, 4))), 0) AS DOUBLE) AS distance_km,
                 round(avg(wind_speed_kmh), 6) AS mean_wind_speed_kmh
          FROM silver_pings GROUP BY 1, 2)
        SELECT unit_id, stat_date, coalesce(pings, 0) AS pings, movement.distance_km, mean_wind_speed_kmh,
               CAST(p.fuel_used_l AS DOUBLE) AS fuel_used_l, CAST(p.payload_kg AS DOUBLE) AS payload_kg
        FROM movement FULL OUTER JOIN silver_performance p USING (unit_id, stat_date)""", features, "pings",
        "distance_km", "round(mean_wind_speed_kmh, 6) AS mean_wind_speed_kmh", "fuel_used_l", "payload_kg");
    double worst = 0;
    worst = Math.max(worst, p90Error(spark, hourly, "to_date(date_trunc('hour', event_time)) AS date, unit_id, date_trunc('hour', event_time) AS hour",
        "date, unit_id, hour"));
    worst = Math.max(worst, p90Error(spark, daily, "event_date AS date, coalesce(unit_type, 'unknown') AS unit_type",
        "date, unit_type"));
    worst = Math.max(worst, p90Error(spark, features, "unit_id, event_date AS stat_date", "unit_id, stat_date"));
    assertTrue(worst <= P90_TOLERANCE, "p90 within 1 % of the exact percentile; worst relative error " + worst);
    return worst;
  }

  /** The gold table's key and the given columns equal the SQL's, row for row. */
  private static void same(SparkSession spark, String sql, Dataset<Row> gold, String... columns) {
    Dataset<Row> expected = spark.sql(sql);
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (String c : expected.columns()) {
      if (!java.util.Arrays.stream(columns).map(x -> x.replaceAll(".* AS ", "")).toList().contains(c)) {
        keys.add(c);
      }
    }
    java.util.List<String> select = new java.util.ArrayList<>(keys);
    select.addAll(java.util.List.of(columns));
    Dataset<Row> actual = gold.selectExpr(select.toArray(new String[0]));
    Dataset<Row> wanted = expected.selectExpr(actual.columns());
    assertSameRows(spark.createDataFrame(wanted.collectAsList(), actual.schema()), actual);
  }

  /** The largest |approx − exact| / exact of p90_speed_kmh, exact by nearest rank over silver's speeds. */
  private static double p90Error(SparkSession spark, Dataset<Row> gold, String groupColumns, String keys) {
    gold.createOrReplaceTempView("gold_p90");
    Row row = spark.sql("""
        WITH speeds AS (SELECT %s, array_sort(collect_list(speed_kmh)) AS s FROM silver_pings GROUP BY %s),
        exact AS (SELECT %s, element_at(s, CAST(ceil(0.9 * size(s)) AS INT)) AS exact_p90 FROM speeds WHERE size(s) > 0)
        SELECT max(abs(g.p90_speed_kmh - e.exact_p90) / greatest(abs(e.exact_p90), 1e-9)), count(*)
        FROM gold_p90 g JOIN exact e USING (%s)""".formatted(groupColumns, keys, keys, keys)).first();
    assertTrue(row.getLong(1) > 0, "p90 rows to compare");
    return row.isNullAt(0) ? 0 : row.getDouble(0);
  }
}
