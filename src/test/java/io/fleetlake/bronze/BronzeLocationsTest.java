package io.fleetlake.bronze;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.testing.TestSpark;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BronzeLocationsTest {
  private static final StructType KAFKA = new StructType()
      .add("key", DataTypes.BinaryType)
      .add("value", DataTypes.BinaryType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType);
  private static final Timestamp SENT = Timestamp.valueOf("2026-11-23 10:16:00");

  private static SparkSession spark;
  private static Dataset<Row> parsed;

  @BeforeAll
  static void parseSomeRecords() {
    spark = TestSpark.session();
    Dataset<Row> kafka = spark.createDataFrame(List.of(
        record(40, "TER-007", "{\"event_id\":\"e1\",\"unit_id\":\"TER-007\",\"event_time\":\"2026-11-22T23:45:00Z\",\"lat\":52.5,\"lon\":13.4,\"speed_kmh\":-1}"),
        record(41, "TER-007", "{\"event_id\":\"e2\",\"unit_id\":\"TER-007\",\"event_time\":\"2026-11-23T00:00:00Z\",\"lat\":52.6,\"lon\":13.5,\"x\":1}"),
        record(42, "TER-007", "{\"event_id\":\"e3\",\"unit_id\":\"TER-007\",\"lat\":\"fifty\"}"),
        record(43, null, null)), KAFKA);
    parsed = BronzeLocations.parse(kafka, EventTimeRange.DEFAULT, java.time.Instant.parse("2026-11-23T12:00:00Z")).cache();
  }

  private static Row record(long offset, String key, String value) {
    return RowFactory.create(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), "fleet.locations", 0, offset, SENT);
  }

  @Test
  void acceptedPingsAreTypedAndDatedByEventTime() {
    Dataset<Row> bronze = BronzeLocations.accepted(parsed)
        .select("event_id", "unit_id", "event_time", "lat", "lon", "speed_kmh", "quality_flags", "kafka_offset", "event_date");
    Dataset<Row> expected = spark.sql("""
        SELECT * FROM VALUES
          ('e1', 'TER-007', TIMESTAMP '2026-11-22 23:45:00', 52.5D, 13.4D, -1.0D, array('NEGATIVE_SPEED'), 40L, DATE '2026-11-22'),
          ('e2', 'TER-007', TIMESTAMP '2026-11-23 00:00:00', 52.6D, 13.5D, CAST(NULL AS DOUBLE), CAST(array() AS array<string>), 41L, DATE '2026-11-23')
        AS t(event_id, unit_id, event_time, lat, lon, speed_kmh, quality_flags, kafka_offset, event_date)""");
    assertSameRows(spark.createDataFrame(expected.collectAsList(), bronze.schema()), bronze);
    assertEquals(List.of("{\"event_id\":\"e2\",\"unit_id\":\"TER-007\",\"event_time\":\"2026-11-23T00:00:00Z\",\"lat\":52.6,\"lon\":13.5,\"x\":1}"),
        BronzeLocations.accepted(parsed).filter("event_id = 'e2'").select("raw_json").as(org.apache.spark.sql.Encoders.STRING()).collectAsList(),
        "unknown fields survive in the raw JSON");
  }

  @Test
  void rejectedRecordsKeepTheirCoordinatesValueAndReason() {
    Dataset<Row> quarantine = BronzeLocations.quarantined(parsed)
        .select("kafka_topic", "kafka_partition", "kafka_offset", "kafka_key", "raw_value", "reason_code", "reason");
    Dataset<Row> expected = spark.createDataFrame(List.of(
        RowFactory.create("fleet.locations", 0, 42L, "TER-007", "{\"event_id\":\"e3\",\"unit_id\":\"TER-007\",\"lat\":\"fifty\"}",
            "MISSING_FIELD", "event_time is missing"),
        RowFactory.create("fleet.locations", 0, 43L, null, "", "EMPTY_VALUE", "the record has no value (null)")),
        quarantine.schema());
    assertSameRows(expected, quarantine);
  }

  @Test
  void pingsOfUnitsNotInTheDimensionAreFlagged() {
    List<List<Object>> flags = BronzeLocations.accepted(BronzeLocations.flagUnknownUnits(parsed, java.util.Set.of("MAR-001")))
        .orderBy("event_id").select("quality_flags").collectAsList().stream().map(r -> r.getList(0)).toList();
    assertEquals(List.of(List.of("NEGATIVE_SPEED", "UNKNOWN_UNIT"), List.of("UNKNOWN_UNIT")), flags);
    assertEquals(0, BronzeLocations.accepted(BronzeLocations.flagUnknownUnits(parsed, java.util.Set.of("TER-007")))
        .filter("array_contains(quality_flags, 'UNKNOWN_UNIT')").count());
  }

  @Test
  void everyRecordLandsInExactlyOneTable() {
    assertEquals(4, BronzeLocations.accepted(parsed).count() + BronzeLocations.quarantined(parsed).count());
  }

  @Test
  void pingsOfAnErasedUnitBecomePayloadFreeQuarantineRows() {
    // the unit was erased after the records were produced: what ingest reads of it now stays erased
    org.apache.spark.sql.Column erased = org.apache.spark.sql.functions.col("unit_id")
        .equalTo(org.apache.spark.sql.functions.lit("TER-007"))
        .and(org.apache.spark.sql.functions.col("kafka_timestamp").leq(org.apache.spark.sql.functions.lit(SENT)));
    Dataset<Row> applied = BronzeLocations.withErasuresApplied(parsed, erased);
    assertEquals(0, BronzeLocations.accepted(applied).count());
    Dataset<Row> quarantine = BronzeLocations.quarantined(applied);
    assertEquals(4, quarantine.count(), "every record still in exactly one table");
    assertEquals(List.of(40L, 41L), quarantine.filter("reason_code = 'ERASED'").orderBy("kafka_offset")
        .select("kafka_offset").as(org.apache.spark.sql.Encoders.LONG()).collectAsList());
    assertEquals(0, quarantine.filter("reason_code = 'ERASED' AND (raw_value IS NOT NULL OR kafka_key IS NOT NULL)").count(),
        "nothing of the erased unit is kept");
    assertEquals(1, quarantine.filter("reason_code = 'MISSING_FIELD' AND kafka_key = 'TER-007'").count(),
        "a record rejected for its own reason keeps it");
  }
}
