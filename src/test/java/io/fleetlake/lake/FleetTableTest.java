package io.fleetlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.config.LakeSettings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry's tables are where users' lakes have them: a renamed constant must never move a table (its data,
 * its checkpoints' sources, Athena's and the metastore's locations would be left behind).
 */
class FleetTableTest {
  @Test
  void everyTableKeepsItsPlaceInTheLake() {
    LakeSettings lake = new LakeSettings("s3a://fleet-lake/lake");
    assertEquals(List.of(
            "s3a://fleet-lake/lake/bronze/locations",
            "s3a://fleet-lake/lake/bronze/locations_quarantine",
            "s3a://fleet-lake/lake/bronze/transport_units",
            "s3a://fleet-lake/lake/bronze/unit_performance",
            "s3a://fleet-lake/lake/silver/locations_enriched",
            "s3a://fleet-lake/lake/silver/weather_hourly",
            "s3a://fleet-lake/lake/silver/dim_transport_units",
            "s3a://fleet-lake/lake/silver/unit_performance",
            "s3a://fleet-lake/lake/gold/unit_activity_hourly",
            "s3a://fleet-lake/lake/gold/fleet_daily",
            "s3a://fleet-lake/lake/gold/resource_usage_features",
            "s3a://fleet-lake/lake/gold/model_metrics",
            "s3a://fleet-lake/lake/gold/model_predictions",
            "s3a://fleet-lake/lake/_quality/results",
            "s3a://fleet-lake/lake/_quality/poll_results",
            "s3a://fleet-lake/lake/_ops/stream_progress",
            "s3a://fleet-lake/lake/_ops/erasures",
            "s3a://fleet-lake/lake/_ops/erased_offsets"),
        Arrays.stream(FleetTable.values()).map(t -> t.path(lake)).toList());
  }

  @Test
  void aTablesNamesAgree() {
    assertEquals("bronze/locations", FleetTable.LOCATIONS.id());
    assertEquals("bronze.locations", FleetTable.LOCATIONS.sqlName());
    assertEquals("quality.results", FleetTable.QUALITY_RESULTS.sqlName());
    assertEquals("_quality/results", FleetTable.QUALITY_RESULTS.id());
    assertEquals(List.of("date"), List.of(FleetTable.UNIT_ACTIVITY_HOURLY.partitionBy()));
  }
}
