package io.fleetlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.to_date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.GoldSettings;
import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.WeatherSettings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.local.weather.WeatherServer;
import io.fleetlake.silver.LocationsEnriched;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestWeather;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.delta.commands.MergeIntoCommand;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.command.ExecutedCommandExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * A live batch's MERGEs read the same target files on a 1-day and a 30-day lake: silver-locations' MERGE of the
 * batch's pings, and gold's three. Delta records no scanned-files figure in a table's history; its MERGE command
 * counts the target files before and after skipping, read here from the executed plan.
 */
class LiveMergeScanTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static SparkSession spark;
  private static WeatherServer server;
  private static WeatherSettings weather;
  /** Each MERGE: its target table's folder, the target files before and after skipping. */
  private record Scan(String table, long before, long after) {}

  private static final List<Scan> SCANS = Collections.synchronizedList(new ArrayList<>());
  private static final QueryExecutionListener MERGES = new QueryExecutionListener() {
    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
      SparkPlan plan = qe.executedPlan();
      Option<SQLMetric> before = plan.metrics().get("numTargetFilesBeforeSkipping");
      Option<SQLMetric> after = plan.metrics().get("numTargetFilesAfterSkipping");
      if (before.isDefined() && after.isDefined() && plan instanceof ExecutedCommandExec command
          && command.cmd() instanceof MergeIntoCommand merge) {
        String table = merge.targetFileIndex().path().getName();
        SCANS.add(new Scan(table, before.get().value(), after.get().value()));
      }
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
  };

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    server = WeatherServer.start("127.0.0.1", 0, "none");
    weather = TestWeather.settings(server, Map.of()).weather();
    spark.listenerManager().register(MERGES);
  }

  @AfterAll
  static void stop() {
    spark.listenerManager().unregister(MERGES);
    server.close();
  }

  /** 4 units, a ping an hour from {@code from} for {@code days} days, in bronze's shape; ids name their hour. */
  private static Dataset<Row> pings(LocalDate from, int days, int minute) {
    return spark.sql(String.format("""
        SELECT concat(unit_id, '-', h, '-', %2$d) AS event_id, unit_id,
               TIMESTAMP '%1$s 00:00:00' + make_interval(0, 0, 0, 0, h, %2$d, 0) AS event_time,
               50.0D + u + h * 0.001D AS lat, 8.0D + h * 0.002D AS lon, CAST((h * 7 + u * 13) %% 90 AS DOUBLE) AS speed_kmh,
               45.0D AS heading_deg, CAST(NULL AS DOUBLE) AS altitude_m, 80.0D AS fuel_level_pct,
               CAST(array() AS array<string>) AS quality_flags, 0 AS kafka_partition, CAST(u * 100000 + h AS BIGINT) AS kafka_offset,
               current_timestamp() AS ingest_time
        FROM (SELECT explode(array(0, 1, 2, 3)) AS u) CROSS JOIN (SELECT explode(sequence(0, %3$d * 24 - 1)) AS h)
        LATERAL VIEW explode(array(concat('TER-00', u))) t AS unit_id""", from, minute, days));
  }

  /** The target files (before, after skipping) of each MERGE of a live batch on a lake with {@code days} of history. */
  private static Map<String, Scan> liveBatchOn(int days) throws Exception {
    LakeSettings lake = new LakeSettings(spark.conf().get("spark.sql.catalog.bronze.path").replaceAll("/bronze$", "")
        + "/live-merge-" + days + "-" + UUID.randomUUID());
    LocationsEnriched silver = new LocationsEnriched(lake, weather, 2);
    GoldTables gold = new GoldTables(lake, new GoldSettings(100, 5));
    // the history in one batch: a file per day in each table, as a lake that maintain compacts has
    LocalDate live = TODAY.minusDays(1);
    Dataset<Row> history = pings(live.minusDays(days), days, 0);
    silver.upsert(history, 0, System.out);
    gold.update(touched(history));
    spark.sparkContext().listenerBus().waitUntilEmpty();
    SCANS.clear();
    // the live batch: a new day's pings, and the day before's late ones of a unit (at half past: between old ones)
    Dataset<Row> batch = pings(live, 1, 0).unionByName(pings(live.minusDays(1), 1, 30).filter("unit_id = 'TER-001'"));
    silver.upsert(batch, 0, System.out);
    gold.update(touched(batch));
    spark.sparkContext().listenerBus().waitUntilEmpty();
    Map<String, Scan> scans = new java.util.TreeMap<>();
    for (Scan scan : SCANS) {
      System.out.println(days + "-day lake: the MERGE into " + scan.table() + " read " + scan.after() + " of its "
          + scan.before() + " files");
      assertEquals(null, scans.put(scan.table(), scan), "one MERGE into " + scan.table() + " per batch");
    }
    return scans;
  }

  private static Dataset<Row> touched(Dataset<Row> pings) {
    return pings.select(col("unit_id"), to_date(col("event_time")).as("date"), date_trunc("hour", col("event_time")).as("hour"));
  }

  @Test
  void aLiveBatchsMergesReadTheSameTargetFilesOnADayOldAndAMonthOldLake() throws Exception {
    Map<String, Scan> dayOld = liveBatchOn(1);
    Map<String, Scan> monthOld = liveBatchOn(30);
    // silver/weather_hourly's MERGE comes and goes with what the weather of the history fetched already
    for (String table : List.of(FleetTable.LOCATIONS_ENRICHED.tableName(), FleetTable.UNIT_ACTIVITY_HOURLY.tableName(),
        FleetTable.FLEET_DAILY.tableName(), FleetTable.RESOURCE_USAGE_FEATURES.tableName())) {
      assertTrue(dayOld.containsKey(table) && monthOld.containsKey(table), "a MERGE into " + table + ": "
          + dayOld.keySet() + ", " + monthOld.keySet());
      assertEquals(dayOld.get(table).after(), monthOld.get(table).after(), table + ": target files read after skipping");
      assertTrue(dayOld.get(table).after() > 0, table + ": the files of the day whose late pings the batch has are read");
    }
    // the month-old tables hold more files: what skipping leaves out grows with the lake's age, what is read does not
    for (String table : List.of(FleetTable.LOCATIONS_ENRICHED.tableName(), FleetTable.UNIT_ACTIVITY_HOURLY.tableName())) {
      assertTrue(monthOld.get(table).before() >= 15 * dayOld.get(table).before(), table + ": " + monthOld.get(table)
          + " against " + dayOld.get(table));
    }
  }
}
