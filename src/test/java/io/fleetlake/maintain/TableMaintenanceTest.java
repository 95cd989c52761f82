package io.fleetlake.maintain;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.fleetlake.config.MaintainSettings.MaintainedTable;
import io.fleetlake.testing.ManifestReader;
import io.fleetlake.testing.TestSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OPTIMIZE, VACUUM's retention guard and symlink manifests on Delta tables of the local file system. */
class TableMaintenanceTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  private static String newTable() {
    return Path.of("target", "test-lake", "maintain-" + UUID.randomUUID()).toAbsolutePath().toUri().toString();
  }

  /** Six small appends of pings over three days, a file per day each: many small files, as a stream writes them. */
  private static String pings(boolean partitioned) {
    return pings(partitioned, 6);
  }

  private static String pings(boolean partitioned, int appends) {
    String path = newTable();
    for (int batch = 0; batch < appends; batch++) {
      var rows = spark.sql(String.format("""
          SELECT concat('E', %d, '-', id) AS event_id, concat('UNIT-', id %% 5) AS unit_id,
                 date_add(DATE '2026-11-20', CAST(id %% 3 AS INT)) AS event_date, CAST(id AS DOUBLE) * 1.5 AS speed_kmh
          FROM range(0, 30)""", batch)).repartition(1);
      var writer = rows.write().format("delta").mode("append");
      (partitioned ? writer.partitionBy("event_date") : writer).save(path);
    }
    return path;
  }

  private static Dataset<Row> snapshot(String path) {
    Dataset<Row> rows = spark.read().format("delta").load(path);
    return spark.createDataFrame(rows.collectAsList(), rows.schema());
  }

  @Test
  void optimizeCutsTheFilesAndKeepsTheRows() {
    String path = pings(true);
    Dataset<Row> before = snapshot(path);
    TableMaintenance.Result result = new TableMaintenance(spark)
        .maintain(path, new MaintainedTable("bronze", "pings", List.of("unit_id"), false, true), Duration.ofDays(7), false);
    System.out.println("maintain: " + result);
    assertEquals(18, result.before().count(), "6 appends × 3 dates");
    assertEquals(3, result.after().count(), "one file per date");
    assertSameRows(before, spark.read().format("delta").load(path));

    // again: one file per date is left alone, not rewritten (Delta's Z-order would rewrite even a lone file)
    long versions = DeltaTable.forPath(spark, path).history().count();
    TableMaintenance.Result again = new TableMaintenance(spark)
        .maintain(path, new MaintainedTable("bronze", "pings", List.of("unit_id"), false, true), null, false);
    assertEquals("Z-order: nothing to do (one file per partition)", again.optimize());
    assertEquals(versions, DeltaTable.forPath(spark, path).history().count(), "no commit");

    // auto-optimize: a later append of 2 tasks × 3 dates writes one file per date (optimized write), not six,
    // and auto compaction then folds them into the 3 files OPTIMIZE left
    spark.sql("""
        SELECT concat('late-', id) AS event_id, concat('UNIT-', id % 5) AS unit_id,
               date_add(DATE '2026-11-20', CAST(id % 3 AS INT)) AS event_date, 1.0D AS speed_kmh
        FROM range(0, 30)""").repartition(2).write().format("delta").mode("append").save(path);
    List<Row> history = DeltaTable.forPath(spark, path).history(2)
        .selectExpr("operation", "operationMetrics['numFiles']", "operationMetrics['numAddedFiles']").collectAsList();
    assertEquals("[[OPTIMIZE,null,3], [WRITE,3,null]]", history.toString());
    assertEquals(3, DeltaTable.forPath(spark, path).detail().select("numFiles").first().getLong(0));
  }

  @Test
  void vacuumBelowTheSafeMinimumIsRefusedUnlessForced() {
    String path = pings(false);
    MaintainedTable table = new MaintainedTable("silver", "pings", List.of(), false, false);
    TableMaintenance maintenance = new TableMaintenance(spark);
    var refused = assertThrows(TableMaintenance.RetentionRefusedException.class,
        () -> maintenance.maintain(path, table, Duration.ofHours(1), false));
    assertTrue(refused.getMessage().contains("silver/pings: VACUUM with a retention of 1 hour is refused: below the "
        + "table's safe minimum of 7 days"), refused.getMessage());
    assertEquals(6, DeltaTable.forPath(spark, path).history().count(), "nothing was done: no OPTIMIZE either");

    Dataset<Row> before = snapshot(path);
    TableMaintenance.Result forced = maintenance.maintain(path, table, Duration.ZERO, true);
    assertEquals(6, forced.vacuumed(), "the 6 files OPTIMIZE replaced are deleted at once");
    assertSameRows(before, spark.read().format("delta").load(path));
    assertEquals("true", spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true"),
        "the check is on again for everything else");
  }

  @Test
  void aTablesPropertyRaisesTheSafeMinimum() {
    assertEquals(Duration.ofDays(30), TableMaintenance.safeMinimum(Map.of("delta.deletedFileRetentionDuration", "interval 30 days")));
    assertEquals(Duration.ofHours(12), TableMaintenance.safeMinimum(Map.of("delta.deletedFileRetentionDuration", "INTERVAL 12 HOURS")));
    assertEquals(Duration.ofDays(7), TableMaintenance.safeMinimum(Map.of()));
  }

  @Test
  void theManifestListsExactlyTheLiveFilesThroughUpdatesDeletesAndOptimize() throws Exception {
    for (boolean partitioned : List.of(true, false)) {
      String path = pings(partitioned, 2);
      MaintainedTable table = new MaintainedTable("gold", "pings", List.of("unit_id"), true, false);
      TableMaintenance maintenance = new TableMaintenance(spark);
      maintenance.maintain(path, table, Duration.ofDays(7), false);
      assertSameAsDelta(path);

      // later commits keep it current: an update, a delete, another OPTIMIZE
      DeltaTable delta = DeltaTable.forPath(spark, path);
      delta.updateExpr("unit_id = 'UNIT-1'", Map.of("speed_kmh", "speed_kmh + 100"));
      assertSameAsDelta(path);
      delta.delete("unit_id = 'UNIT-2' OR event_id LIKE 'E1-%'");
      assertSameAsDelta(path);
      spark.sql("INSERT INTO delta.`" + path + "` SELECT 'late', 'UNIT-9', "
          + "DATE '2026-11-25', 1.0").count();
      delta.optimize().executeCompaction();
      assertSameAsDelta(path);
    }
  }

  private static void assertSameAsDelta(String path) throws Exception {
    Dataset<Row> delta = spark.read().format("delta").load(path);
    Dataset<Row> parquet = ManifestReader.read(spark, path, delta.schema());
    assertSameRows(spark.createDataFrame(delta.collectAsList(), delta.schema()),
        spark.createDataFrame(parquet.collectAsList(), delta.schema()));
  }
}
