package io.fleetlake.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.GoldSettings;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.gold.GoldAggregates;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.testing.TestSpark;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The dashboard of a lake older than its window (report.days) shows the window's days only; its views read
 * only those days' partitions, so that a report of a year-old lake costs what a fortnight's does.
 */
class DashboardTest {
  @Test
  void aLakeOlderThanTheWindowShowsTheWindowsDaysOnly() {
    SparkSession spark = TestSpark.session();
    LakeSettings lake = new LakeSettings(Path.of("target", "test-lake", "dashboard-" + UUID.randomUUID())
        .toAbsolutePath().toUri().toString());
    // 20 days, 2026-11-01 to 2026-11-20, of two road units pinging every 15 minutes
    Dataset<Row> pings = spark.sql("""
        SELECT concat('road-', u) AS unit_id, t AS event_time, to_date(t) AS event_date, 'road' AS unit_type,
               CAST(40 + u AS DOUBLE) AS speed_kmh, 10.0D AS distance_km_since_prev, 900L AS seconds_since_prev,
               5.0D AS temperature_c, 10.0D AS wind_speed_kmh, 20.0D AS wind_gusts_kmh, 0.0D AS precipitation_mm,
               'ok' AS weather_status, 'diesel' AS fuel_type, 'MAN' AS manufacturer, 'TGX' AS model, 1 AS company_id,
               1000.0D AS max_payload_kg
        FROM (SELECT explode(sequence(TIMESTAMP '2026-11-01 00:00:00', TIMESTAMP '2026-11-20 23:45:00',
                                      INTERVAL 15 MINUTES)) AS t)
        CROSS JOIN (SELECT explode(array(1, 2)) AS u)""");
    Dataset<Row> performance = spark.sql("""
        SELECT concat('road-', u) AS unit_id, d AS stat_date, CAST(500 AS DECIMAL(10, 1)) AS payload_kg,
               CAST(8 AS DECIMAL(6, 2)) AS engine_hours, CAST(1 AS DECIMAL(6, 2)) AS idle_hours,
               CAST(80 AS DECIMAL(5, 1)) AS avg_engine_temp_c, 0 AS maintenance_events,
               CAST(960 AS DECIMAL(10, 3)) AS distance_km, CAST(300 AS DECIMAL(10, 3)) AS fuel_used_l,
               CAST(NULL AS DECIMAL(10, 3)) AS energy_used_kwh
        FROM (SELECT explode(sequence(DATE '2026-11-01', DATE '2026-11-20')) AS d)
        CROSS JOIN (SELECT explode(array(1, 2)) AS u)""");
    Dataset<Row> dimension = spark.sql("""
        SELECT concat('road-', u) AS unit_id, TIMESTAMP '2026-10-01 00:00:00' AS valid_from,
               CAST(NULL AS TIMESTAMP) AS valid_to, 1 AS version, 'road' AS unit_type
        FROM (SELECT explode(array(1, 2)) AS u)""");
    GoldAggregates gold = new GoldAggregates(new GoldSettings(10_000, 2));
    write(gold.hourly(pings), FleetTable.UNIT_ACTIVITY_HOURLY, lake);
    write(gold.daily(pings, performance, dimension), FleetTable.FLEET_DAILY, lake);
    write(gold.features(pings, performance), FleetTable.RESOURCE_USAGE_FEATURES, lake);

    Dashboard.Page page = new Dashboard(spark, lake, 14).render();

    // the days of the per-day charts: the 14 newest, 2026-11-07 to 2026-11-20
    assertTrue(page.html().contains(">2026-11-07</text>") && page.html().contains(">2026-11-20</text>"), page.html());
    assertFalse(page.html().contains("2026-11-06"), "a day before the window is shown");
  }

  private static void write(Dataset<Row> rows, FleetTable table, LakeSettings lake) {
    rows.write().format("delta").partitionBy(table.partitionBy()).save(table.path(lake));
  }
}
