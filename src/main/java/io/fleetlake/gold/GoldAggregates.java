package io.fleetlake.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.fleetlake.config.GoldSettings;
import io.fleetlake.silver.UnitDimension;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The gold tables as plain batch computations over whatever silver rows they are given: the gold job feeds
 * them the rows of the hours, days and units a micro-batch touched, a rebuild feeds them everything.
 *
 * <p>Sums of distances and fuel are taken as decimals, so that they do not depend on the order in which
 * Spark adds the rows; a ping's distance since its unit's previous ping counts in the ping's hour and day.
 */
public final class GoldAggregates {
  /** A gap between pings counts as moving for at most this long (two ping intervals). */
  static final int MAX_MOVING_SECONDS = 1800;

  private final GoldSettings settings;

  public GoldAggregates(GoldSettings settings) {
    this.settings = settings;
  }

  /** gold/unit_activity_hourly from silver/locations_enriched rows; key (date, unit_id, hour). */
  public Dataset<Row> hourly(Dataset<Row> pings) {
    return pings.withColumn("hour", date_trunc("hour", col("event_time")))
        .groupBy("unit_id", "hour")
        .agg(
            expr("max_by(unit_type, event_time)").as("unit_type"),
            expr("count(*)").as("pings"),
            distance().as("distance_km"),
            movingSeconds().divide(60).cast("double").as("moving_minutes"),
            expr("avg(speed_kmh)").as("mean_speed_kmh"),
            p90("speed_kmh").as("p90_speed_kmh"),
            expr("max(speed_kmh)").as("max_speed_kmh"),
            expr("avg(temperature_c)").as("mean_temperature_c"),
            expr("max(wind_gusts_kmh)").as("max_wind_gusts_kmh"),
            expr("avg(precipitation_mm)").as("mean_precipitation_mm"),
            weatherShare().as("weather_share"))
        .withColumn("date", to_date(col("hour")))
        .select("date", "unit_id", "hour", "unit_type", "pings", "distance_km", "moving_minutes", "mean_speed_kmh",
            "p90_speed_kmh", "max_speed_kmh", "mean_temperature_c", "max_wind_gusts_kmh", "mean_precipitation_mm",
            "weather_share");
  }

  /**
   * gold/fleet_daily from the pings and the performance rows of the same days; key (date, unit_type). A unit's
   * performance counts under its type as of the day (the dimension's version then); units no dimension knows
   * count as {@code unknown}.
   */
  public Dataset<Row> daily(Dataset<Row> pings, Dataset<Row> performance, Dataset<Row> dimension) {
    Dataset<Row> movement = pings
        .withColumn("unit_type", coalesce(col("unit_type"), lit("unknown")))
        .groupBy(col("event_date").as("date"), col("unit_type"))
        .agg(
            expr("count(DISTINCT unit_id)").as("active_units"),
            expr("count(*)").as("pings"),
            distance().as("distance_km"),
            expr("avg(speed_kmh)").as("mean_speed_kmh"),
            p90("speed_kmh").as("p90_speed_kmh"));
    Dataset<Row> typed = UnitDimension.asOf(
            performance.withColumn("stat_time", col("stat_date").cast("timestamp")),
            "unit_id", "stat_time", dimension.select("unit_id", "valid_from", "valid_to", "version", "unit_type"))
        .withColumn("unit_type", coalesce(col("unit_type"), lit("unknown")));
    Dataset<Row> usage = typed
        .groupBy(col("stat_date").as("date"), col("unit_type"))
        .agg(
            expr("count(*)").as("reporting_units"),
            exactSum("fuel_used_l", 3).as("fuel_used_l"),
            exactSum("energy_used_kwh", 3).as("energy_used_kwh"),
            expr("CAST(sum(CASE WHEN fuel_used_l IS NOT NULL THEN CAST(distance_km AS DECIMAL(20, 3)) END) AS DOUBLE)")
                .as("fuel_distance_km"),
            expr("avg(CAST(avg_engine_temp_c AS DOUBLE))").as("mean_engine_temp_c"),
            expr("CAST(sum(maintenance_events) AS BIGINT)").as("maintenance_events"));
    return movement.join(usage, new String[] {"date", "unit_type"}, "full_outer")
        .withColumn("active_units", coalesce(col("active_units"), lit(0L)))
        .withColumn("pings", coalesce(col("pings"), lit(0L)))
        .withColumn("reporting_units", coalesce(col("reporting_units"), lit(0L)))
        .withColumn("fuel_per_100km", expr("round(fuel_used_l / fuel_distance_km * 100, 3)"))
        .select("date", "unit_type", "active_units", "pings", "distance_km", "mean_speed_kmh", "p90_speed_kmh",
            "reporting_units", "fuel_used_l", "fuel_distance_km", "fuel_per_100km", "energy_used_kwh",
            "mean_engine_temp_c", "maintenance_events");
  }

  /**
   * gold/resource_usage_features: one row per unit and day with pings or a performance row; key (stat_date,
   * unit_id). Columns: see {@link #FEATURE_COLUMNS}.
   */
  public Dataset<Row> features(Dataset<Row> pings, Dataset<Row> performance) {
    Dataset<Row> movement = pings
        .groupBy(col("unit_id"), col("event_date").as("stat_date"))
        .agg(
            expr("count(*)").as("pings"),
            distance().as("distance_km"),
            movingSeconds().divide(3600).cast("double").as("moving_hours"),
            expr("avg(speed_kmh)").as("mean_speed_kmh"),
            p90("speed_kmh").as("p90_speed_kmh"),
            expr("max(speed_kmh)").as("max_speed_kmh"),
            expr("avg(temperature_c)").as("mean_temperature_c"),
            expr("avg(wind_speed_kmh)").as("mean_wind_speed_kmh"),
            expr("max(wind_gusts_kmh)").as("max_wind_gusts_kmh"),
            expr("avg(precipitation_mm)").as("mean_precipitation_mm"),
            weatherShare().as("weather_share"),
            expr("max_by(unit_type, event_time)").as("unit_type"),
            expr("max_by(fuel_type, event_time)").as("fuel_type"),
            expr("max_by(manufacturer, event_time)").as("manufacturer"),
            expr("max_by(model, event_time)").as("model"),
            expr("max_by(company_id, event_time)").as("company_id"),
            expr("max_by(max_payload_kg, event_time)").as("max_payload_kg"));
    Dataset<Row> usage = performance.select(
        col("unit_id"), col("stat_date"),
        col("payload_kg").cast("double").as("payload_kg"),
        col("engine_hours").cast("double").as("engine_hours"),
        col("idle_hours").cast("double").as("idle_hours"),
        col("avg_engine_temp_c").cast("double").as("avg_engine_temp_c"),
        col("maintenance_events").cast("int").as("maintenance_events"),
        col("distance_km").cast("double").as("reported_distance_km"),
        col("fuel_used_l").cast("double").as("fuel_used_l"),
        col("energy_used_kwh").cast("double").as("energy_used_kwh"));
    return movement.join(usage, new String[] {"unit_id", "stat_date"}, "full_outer")
        .withColumn("pings", coalesce(col("pings"), lit(0L)))
        .withColumn("payload_share", expr("CASE WHEN max_payload_kg > 0 THEN round(payload_kg / max_payload_kg, 4) END"))
        .selectExpr(FEATURE_COLUMNS);
  }

  /** The columns of gold/resource_usage_features, documented in src/site/markdown/jobs.md. */
  static final String[] FEATURE_COLUMNS = {
      "stat_date", "unit_id", "unit_type", "fuel_type", "manufacturer", "model", "company_id", "max_payload_kg",
      "pings", "distance_km", "moving_hours", "mean_speed_kmh", "p90_speed_kmh", "max_speed_kmh",
      "mean_temperature_c", "mean_wind_speed_kmh", "max_wind_gusts_kmh", "mean_precipitation_mm", "weather_share",
      "payload_kg", "payload_share", "engine_hours", "idle_hours", "avg_engine_temp_c", "maintenance_events",
      "reported_distance_km", "fuel_used_l", "energy_used_kwh"};

  private Column p90(String column) {
    return expr("percentile_approx(" + column + ", 0.9, " + settings.percentileAccuracy() + ")");
  }

  private Column movingSeconds() {
    return expr("sum(CASE WHEN speed_kmh >= " + settings.movingSpeedKmh() + " THEN least(coalesce(seconds_since_prev, 0), "
        + MAX_MOVING_SECONDS + ") ELSE 0 END)");
  }

  private static Column weatherShare() {
    // provisional hours are weather too: the model's, until the archive's final values replace them
    return expr("avg(CASE WHEN weather_status IN ('ok', 'provisional') THEN 1.0D ELSE 0.0D END)");
  }

  /** Kilometres since the previous ping, summed; 0 where the unit's first ping has no previous one. */
  private static Column distance() {
    return coalesce(exactSum("distance_km_since_prev", 4), lit(0.0));
  }

  /** A sum that is the same whatever the order of the rows: over decimals of {@code scale} digits. */
  private static Column exactSum(String column, int scale) {
    return expr("CAST(sum(CAST(" + column + " AS DECIMAL(20, " + scale + "))) AS DOUBLE)");
  }
}
