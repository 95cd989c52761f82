package io.fleetlake.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.catalog.MetastoreRegistration.Outcome;
import io.fleetlake.catalog.MetastoreRegistration.Registration;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.lake.Layer;
import io.fleetlake.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog job's parts: discovery of the lake's tables, metastore registration, Athena DDL. */
class CatalogTest {
  private static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  private static Settings lake() {
    String root = Path.of("target", "test-lake", "catalog-" + UUID.randomUUID()).toAbsolutePath().toUri().toString();
    return Settings.load(List.of(), Map.of("FLEETLAKE_LAKE_ROOT", root));
  }

  /** gold/fleet_daily partitioned by date with a manifest, bronze/locations with nested types and none. */
  private static List<LakeTable> tables(Settings settings) {
    String daily = settings.lake().table("gold", "fleet_daily");
    spark.sql("""
        SELECT DATE '2026-11-21' + CAST(id % 2 AS INT) AS date, element_at(array('aerial', 'maritime', 'terrestrial'),
               CAST(id % 3 AS INT) + 1) AS unit_type, id AS pings, CAST(id AS DECIMAL(14,3)) AS fuel_used_l
        FROM range(0, 6)""").write().format("delta").partitionBy("date").save(daily);
    spark.sql("ALTER TABLE delta.`" + daily + "` SET TBLPROPERTIES (delta.compatibility.symlinkFormatManifest.enabled = true)");
    spark.sql("""
        SELECT 'E1' AS event_id, TIMESTAMP '2026-11-21 10:15:00' AS event_time, named_struct('lat', 1.0D, 'lon', 2.0D) AS position,
               map('source', 'gps') AS attributes, array(1, 2) AS hops""")
        .write().format("delta").save(FleetTable.LOCATIONS.path(settings.lake()));
    return LakeTable.discover(spark, settings.lake());
  }

  @Test
  void everyTableIsFoundWithItsPartitionsAndManifest() {
    List<LakeTable> tables = tables(lake());
    assertEquals(List.of("bronze.locations", "gold.fleet_daily"), tables.stream().map(LakeTable::sqlName).toList());
    assertEquals(List.of(), tables.get(0).partitionColumns());
    assertEquals(List.of("date"), tables.get(1).partitionColumns());
    assertEquals(List.of(false, true), tables.stream().map(LakeTable::manifest).toList());
  }

  @Test
  void registeringTwiceChangesNothingAndTheMetastoreReadsTheTables() {
    Settings settings = lake();
    List<LakeTable> tables = tables(settings);
    MetastoreRegistration registration = new MetastoreRegistration(spark);
    assertEquals(List.of(Outcome.REGISTERED, Outcome.REGISTERED),
        registration.register(tables).stream().map(Registration::outcome).toList());
    List<Registration> again = registration.register(tables);
    assertEquals(List.of(Outcome.ALREADY_REGISTERED, Outcome.ALREADY_REGISTERED), again.stream().map(Registration::outcome).toList());
    assertEquals(List.of(1L, 6L), again.stream().map(Registration::rows).toList());
    // through the metastore's entries, as a notebook on EMR reads them from Glue
    assertEquals(6L, spark.sql("SELECT count(*) FROM spark_catalog.gold.fleet_daily").first().getLong(0));
    assertEquals(3L, spark.sql("SELECT count(*) FROM spark_catalog.gold.fleet_daily WHERE date = DATE '2026-11-22'").first().getLong(0));
    assertEquals("gps", spark.sql("SELECT attributes['source'] FROM spark_catalog.bronze.locations").first().getString(0));
    // the same names from a lake elsewhere: reported, and the entries still point at the first lake
    List<Registration> other = registration.register(tables(lake()));
    assertEquals(List.of(Outcome.REGISTERED_ELSEWHERE, Outcome.REGISTERED_ELSEWHERE), other.stream().map(Registration::outcome).toList());
    assertEquals(new org.apache.hadoop.fs.Path(tables.get(1).path()).toString(), other.get(1).location());
    assertEquals(6L, spark.sql("SELECT count(*) FROM spark_catalog.gold.fleet_daily").first().getLong(0));
  }

  @Test
  void athenaDdlInBothForms() {
    List<LakeTable> tables = tables(lake());
    AthenaDdl ddl = new AthenaDdl("athena_");
    LakeTable daily = new LakeTable(Layer.GOLD, "fleet_daily", "s3a://fleet-lake/lake/gold/fleet_daily",
        tables.get(1).schema(), tables.get(1).partitionColumns(), true);
    assertEquals("""
        -- gold.fleet_daily: native Delta
        CREATE EXTERNAL TABLE IF NOT EXISTS athena_gold.fleet_daily
        LOCATION 's3://fleet-lake/lake/gold/fleet_daily'
        TBLPROPERTIES ('table_type' = 'DELTA');
        """, ddl.nativeDelta(daily));
    assertEquals("""
        -- gold.fleet_daily: Parquet over the symlink manifest
        CREATE EXTERNAL TABLE IF NOT EXISTS athena_gold.fleet_daily_symlink (
          `unit_type` string,
          `pings` bigint,
          `fuel_used_l` decimal(14,3)
        )
        PARTITIONED BY (
          `date` date
        )
        ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
        STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
        OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
        LOCATION 's3://fleet-lake/lake/gold/fleet_daily/_symlink_format_manifest/';
        -- loads the partitions there are now; again when a new date appears
        MSCK REPAIR TABLE athena_gold.fleet_daily_symlink;
        """, ddl.symlink(daily));
    assertEquals("struct<lat:double,lon:double>", AthenaDdl.type(tables.get(0).schema().apply("position").dataType()));
    assertEquals("map<string,string>", AthenaDdl.type(tables.get(0).schema().apply("attributes").dataType()));
    assertEquals("array<int>", AthenaDdl.type(tables.get(0).schema().apply("hops").dataType()));
    assertEquals("timestamp", AthenaDdl.type(tables.get(0).schema().apply("event_time").dataType()));
    assertTrue(ddl.symlink(tables.get(0)).startsWith("""
        -- bronze.locations: Parquet over the symlink manifest
        -- (no manifest yet, so this reads as empty: set manifest = true for bronze/locations in fleetlake.maintain.tables and run maintain)
        CREATE EXTERNAL TABLE IF NOT EXISTS athena_bronze.locations_symlink (
          `event_id` string,
          `event_time` timestamp,
          `position` struct<lat:double,lon:double>,
          `attributes` map<string,string>,
          `hops` array<int>
        )
        ROW FORMAT SERDE"""), ddl.symlink(tables.get(0)));
    String script = ddl.script(tables);
    assertTrue(script.contains("CREATE DATABASE IF NOT EXISTS athena_bronze;\n\nCREATE DATABASE IF NOT EXISTS athena_gold;"), script);
    assertTrue(script.contains("Athena cannot read those"), "a file: lake is said to be out of Athena's reach");
    assertThrows(IllegalArgumentException.class, () -> AthenaDdl.type(DataTypes.CalendarIntervalType));
  }
}
