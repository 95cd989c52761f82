package io.fleetlake.silver;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.testing.TestSpark;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UnitDimensionTest {
  private static SparkSession spark;

  /** A scripted history in bronze: TER-001 changes company, gets a bare updated_at bump, then retires. */
  private static final String HISTORY = """
      SELECT * FROM VALUES
        ('TER-001', 'Truck 1', 1, true,  TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-20 09:00:00'),
        ('TER-001', 'Truck 1', 1, true,  TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 11:00:00'),
        ('TER-001', 'Truck 1', 2, true,  TIMESTAMP '2026-11-21 08:00:00', TIMESTAMP '2026-11-21 09:00:00'),
        ('TER-001', 'Truck 1', 2, false, TIMESTAMP '2026-11-22 08:00:00', TIMESTAMP '2026-11-22 09:00:00'),
        ('TER-002', 'Truck 2', 3, true,  TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-20 09:00:00')
      AS t(unit_id, name, company_id, active, updated_at, _polled_at)""";

  private static final String EXPECTED = """
      SELECT * FROM VALUES
        ('TER-001', 1, true,  TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-21 08:00:00', false, 1),
        ('TER-001', 2, true,  TIMESTAMP '2026-11-21 08:00:00', TIMESTAMP '2026-11-22 08:00:00', false, 2),
        ('TER-001', 2, false, TIMESTAMP '2026-11-22 08:00:00', CAST(NULL AS TIMESTAMP),         true,  3),
        ('TER-002', 3, true,  TIMESTAMP '2026-11-20 08:00:00', CAST(NULL AS TIMESTAMP),         true,  1)
      AS t(unit_id, company_id, active, valid_from, valid_to, is_current, version)""";

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  /** A lake of its own beside the session's, for one test's silver tables. */
  private static String scratchLake(String name) {
    return spark.conf().get("spark.sql.catalog.bronze.path").replaceAll("/bronze$", "") + "/" + name + "-" + UUID.randomUUID();
  }

  private static Dataset<Row> history() {
    return spark.sql(HISTORY);
  }

  private static Dataset<Row> columns(Dataset<Row> dimension) {
    return dimension.select("unit_id", "company_id", "active", "valid_from", "valid_to", "is_current", "version");
  }

  private static Dataset<Row> expected(Dataset<Row> like) {
    return spark.createDataFrame(spark.sql(EXPECTED).collectAsList(), like.schema());
  }

  @Test
  void aScriptedHistoryGivesExactlyTheExpectedVersions() {
    Dataset<Row> versions = columns(UnitDimension.versions(history()));
    assertSameRows(expected(versions), versions);
  }

  @Test
  void rowsTwiceOrOutOfOrderGiveTheSameVersions() {
    Dataset<Row> shuffled = history().union(history()).orderBy(org.apache.spark.sql.functions.rand(7));
    Dataset<Row> versions = columns(UnitDimension.versions(shuffled));
    assertSameRows(expected(versions), versions);
  }

  @Test
  void theMergedTableEndsTheSameWhateverOrderAndReplaysTheBatchesCome() {
    String root = scratchLake("scd2");
    LakeSettings lake = new LakeSettings(root);
    SilverDimensions silver = new SilverDimensions(lake);
    Dataset<Row> first = history().filter("updated_at IN ('2026-11-20 08:00:00', '2026-11-22 08:00:00')");
    Dataset<Row> later = history().exceptAll(first);
    // the retirement arrives before the company change it follows
    first.write().format("delta").save(FleetTable.POLLED_TRANSPORT_UNITS.path(lake));
    silver.upsertUnitVersions(first);
    later.write().format("delta").mode("append").save(FleetTable.POLLED_TRANSPORT_UNITS.path(lake));
    silver.upsertUnitVersions(later);
    Dataset<Row> dimension = spark.read().format("delta").load(FleetTable.DIM_TRANSPORT_UNITS.path(lake));
    assertSameRows(expected(columns(dimension)), columns(dimension));

    silver.upsertUnitVersions(later); // a replayed batch
    silver.upsertUnitVersions(history());
    assertSameRows(expected(columns(dimension)), columns(spark.read().format("delta").load(FleetTable.DIM_TRANSPORT_UNITS.path(lake))));
  }

  @Test
  void asOfLooksUpTheVersionValidAtEachEvent() {
    Dataset<Row> events = spark.sql("""
        SELECT * FROM VALUES
          ('e0', 'TER-001', TIMESTAMP '2026-11-19 23:00:00'),
          ('e1', 'TER-001', TIMESTAMP '2026-11-20 12:00:00'),
          ('e2', 'TER-001', TIMESTAMP '2026-11-21 08:00:00'),
          ('e3', 'TER-001', TIMESTAMP '2026-11-23 00:00:00'),
          ('e4', 'SHIP-9',  TIMESTAMP '2026-11-21 00:00:00')
        AS t(event_id, unit_id, event_time)""");
    Dataset<Row> enriched = UnitDimension.asOf(events, "unit_id", "event_time", UnitDimension.versions(history()))
        .select("event_id", "company_id", "active", "version");
    Dataset<Row> expected = spark.sql("""
        SELECT * FROM VALUES ('e0', 1, true, 1),
          ('e1', 1, true, 1), ('e2', 2, true, 2), ('e3', 2, false, 3), ('e4', NULL, NULL, NULL)
        AS t(event_id, company_id, active, version)""");
    assertSameRows(spark.createDataFrame(expected.collectAsList(), enriched.schema()), enriched);
  }

  @Test
  void aUnitDeletedInTheSourceHasItsVersionClosedAndNoneCurrentUntilItComesBack() {
    Dataset<Row> polled = spark.sql("""
        SELECT * FROM VALUES
          ('TER-001', 'Truck 1', 1, true, TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-20 09:00:00', false),
          ('TER-001', NULL,      NULL, NULL, TIMESTAMP '2026-11-21 10:00:00', TIMESTAMP '2026-11-21 10:00:05', true),
          ('TER-002', 'Truck 2', 3, true, TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-20 09:00:00', false),
          ('TER-002', NULL,      NULL, NULL, TIMESTAMP '2026-11-21 10:00:00', TIMESTAMP '2026-11-21 10:00:05', true),
          ('TER-002', 'Truck 2', 4, true, TIMESTAMP '2026-11-22 08:00:00', TIMESTAMP '2026-11-22 09:00:00', false)
        AS t(unit_id, name, company_id, active, updated_at, _polled_at, source_deleted)""");
    Dataset<Row> versions = columns(UnitDimension.versions(polled));
    Dataset<Row> expected = spark.sql("""
        SELECT * FROM VALUES
          ('TER-001', 1, true, TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-21 10:00:00', false, 1),
          ('TER-002', 3, true, TIMESTAMP '2026-11-20 08:00:00', TIMESTAMP '2026-11-21 10:00:00', false, 1),
          ('TER-002', 4, true, TIMESTAMP '2026-11-22 08:00:00', CAST(NULL AS TIMESTAMP),         true,  2)
        AS t(unit_id, company_id, active, valid_from, valid_to, is_current, version)""");
    assertSameRows(spark.createDataFrame(expected.collectAsList(), versions.schema()), versions);
  }

  @Test
  void versionsFollowTheOrderOfCommitsNotTheWritersClock() {
    Dataset<Row> polled = spark.sql("""
        SELECT * FROM VALUES
          ('TER-001', 1, true, TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 10:05:00', false, 100L),
          ('TER-001', NULL, NULL, TIMESTAMP '2026-11-20 11:00:00', TIMESTAMP '2026-11-20 11:00:05', true, NULL),
          ('TER-001', 1, true, TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 12:00:00', false, 300L),
          ('TER-002', 3, true, TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 10:05:00', false, 101L),
          ('TER-002', 5, true, TIMESTAMP '2026-11-20 09:50:00', TIMESTAMP '2026-11-20 10:30:00', false, 200L)
        AS t(unit_id, company_id, active, updated_at, _polled_at, source_deleted, _source_xid)""");
    // TER-001 deleted, then restored from a backup with its old updated_at: current again from the deletion on;
    // TER-002 revised by a writer whose clock is 30 min slow: the revision is current, the version it replaced
    // was valid for no time
    Dataset<Row> versions = columns(UnitDimension.versions(polled));
    Dataset<Row> expected = spark.sql("""
        SELECT * FROM VALUES
          ('TER-001', 1, true, TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 11:00:00', false, 1),
          ('TER-001', 1, true, TIMESTAMP '2026-11-20 11:00:00', CAST(NULL AS TIMESTAMP),         true,  2),
          ('TER-002', 5, true, TIMESTAMP '2026-11-20 10:00:00', CAST(NULL AS TIMESTAMP),         true,  1)
        AS t(unit_id, company_id, active, valid_from, valid_to, is_current, version)""");
    assertSameRows(spark.createDataFrame(expected.collectAsList(), versions.schema()), versions);
  }

  @Test
  void aRevisionFromASlowClockStillWinsInSilver() {
    String root = scratchLake("perf");
    SilverDimensions silver = new SilverDimensions(new LakeSettings(root));
    String day = "SELECT 'TER-001' AS unit_id, DATE '2026-11-20' AS stat_date, %s AS distance_km, "
        + "TIMESTAMP '%s' AS updated_at, TIMESTAMP '%s' AS _polled_at";
    silver.upsertLatestPerformance(spark.sql(String.format(day, "400.0D", "2026-11-20 21:00:00", "2026-11-20 21:05:00")));
    silver.upsertLatestPerformance(spark.sql(String.format(day, "412.5D", "2026-11-20 20:50:00", "2026-11-20 22:00:00")));
    Dataset<Row> table = spark.read().format("delta").load(root + "/silver/unit_performance");
    assertEquals(412.5, table.first().getDouble(table.first().fieldIndex("distance_km")));
  }

  @Test
  void aUnitDayDeletedInTheSourceLeavesSilver() {
    String root = scratchLake("perf");
    SilverDimensions silver = new SilverDimensions(new LakeSettings(root));
    String day = "SELECT 'TER-001' AS unit_id, DATE '2026-11-20' AS stat_date, %s AS distance_km, "
        + "TIMESTAMP '%s' AS updated_at, %s AS source_deleted";
    silver.upsertLatestPerformance(spark.sql(String.format(day, "400.0D", "2026-11-20 21:00:00", "false")
        + " UNION ALL " + String.format(day.replace("TER-001", "TER-002"), "9.0D", "2026-11-20 21:00:00", "false")));
    silver.upsertLatestPerformance(spark.sql(String.format(day, "CAST(NULL AS DOUBLE)", "2026-11-22 10:00:00", "true")));
    Dataset<Row> table = spark.read().format("delta").load(root + "/silver/unit_performance");
    assertEquals(List.of("TER-002"), table.select("unit_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(List.of("unit_id", "stat_date", "distance_km", "updated_at"), List.of(table.columns()),
        "the deletion flag is no column of silver");
  }

  @Test
  void theLatestPerformanceRevisionWinsWhicheverArrivesFirst() {
    String root = scratchLake("perf");
    SilverDimensions silver = new SilverDimensions(new LakeSettings(root));
    Dataset<Row> revision = spark.sql("SELECT 'TER-001' AS unit_id, DATE '2026-11-20' AS stat_date, 412.5D AS distance_km, "
        + "TIMESTAMP '2026-11-21 10:00:00' AS updated_at");
    Dataset<Row> original = spark.sql("SELECT 'TER-001' AS unit_id, DATE '2026-11-20' AS stat_date, 400.0D AS distance_km, "
        + "TIMESTAMP '2026-11-20 21:00:00' AS updated_at");
    silver.upsertLatestPerformance(revision);
    silver.upsertLatestPerformance(original);
    silver.upsertLatestPerformance(revision.union(original));
    Dataset<Row> table = spark.read().format("delta").load(root + "/silver/unit_performance");
    assertEquals(1, table.count());
    assertEquals(412.5, table.first().getDouble(table.first().fieldIndex("distance_km")));
  }
}
