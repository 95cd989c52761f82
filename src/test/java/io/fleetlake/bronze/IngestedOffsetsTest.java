package io.fleetlake.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestedOffsetsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  private static Dataset<Row> offsets(long from, long to) {
    return spark.range(from, to + 1).selectExpr("'fleet.locations' AS kafka_topic", "0 AS kafka_partition",
        "id AS kafka_offset", "timestamp_seconds(1790000000 + id) AS kafka_timestamp");
  }

  /**
   * A crash between a batch's bronze and quarantine commits: bronze holds offsets 0..9, but the last batch that
   * wrote its quarantine recorded 4. A query without a checkpoint must start at 5 (the anti-join then drops what
   * bronze holds), not at 10, or the crashed batch's quarantined records would never be written.
   */
  @Test
  void theRecordedPositionWinsOverBronzesHighestOffset(@TempDir Path dir) {
    LakeSettings lake = new LakeSettings(dir.toUri().toString());
    offsets(0, 9).write().format("delta").save(FleetTable.LOCATIONS.path(lake));
    offsets(2, 2).write().format("delta").option("userMetadata", IngestedOffsets.positionJson(
        Map.of("fleet.locations", Map.of(0, 4L)))).save(FleetTable.LOCATIONS_QUARANTINE.path(lake));
    IngestedOffsets held = new IngestedOffsets(spark, lake);
    assertEquals(Map.of(0, 4L), held.highest("fleet.locations"));

    Dataset<Row> batch = offsets(3, 12);
    List<IngestedOffsets.Range> ranges = IngestedOffsets.ranges(batch);
    assertEquals(List.of(new IngestedOffsets.Range("fleet.locations", 0, 3, 12, new java.sql.Timestamp(1_790_000_003_000L),
        new java.sql.Timestamp(1_790_000_012_000L))), ranges);
    assertEquals(7, held.alreadyHeld(batch, ranges).count(), "3..9 are held");
    assertEquals(List.of(10L, 11L, 12L), IngestedOffsets.without(batch, held.alreadyHeld(batch, ranges))
        .select("kafka_offset").orderBy("kafka_offset").as(org.apache.spark.sql.Encoders.LONG()).collectAsList());
  }

  @Test
  void aLakeWithoutARecordedPositionStartsAfterItsHighestOffset(@TempDir Path dir) {
    LakeSettings lake = new LakeSettings(dir.toUri().toString());
    offsets(0, 9).write().format("delta").save(FleetTable.LOCATIONS.path(lake));
    offsets(11, 11).write().format("delta").save(FleetTable.LOCATIONS_QUARANTINE.path(lake));
    assertEquals(Map.of(0, 11L), new IngestedOffsets(spark, lake).highest("fleet.locations"));
  }
}
