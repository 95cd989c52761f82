package io.fleetlake;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.fleetlake.enrich.WeatherEnrichment;
import io.fleetlake.lake.Layer;
import io.fleetlake.testing.Chromium;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.ManifestReader;
import io.fleetlake.testing.NotebookSql;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.WeatherAdmin;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One simulated fleet, 60 units over 2 days (2 % malformed, 1 % duplicates, 1 % late), through every stage on
 * the real servers, one step after another, so that a failure names its stage: bronze from Kafka, silver with its
 * weather, a third day while the weather server fails (through run-all, in small micro-batches), the weather
 * filled in later, gold against an independent computation over silver, maintain, a second run that finds
 * nothing, the model, the dashboard and the notebooks. Each step continues from the lake the one before left.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {
  private static final String ROOT = "s3a://fleet-lake/fleet-it";
  private static final int UNITS = 60;
  private static final int PINGS_A_DAY = 96;
  private static TestStack stack;
  private static SparkSession spark;
  private static WeatherAdmin weather;
  private static Map<String, String> env;
  private static Path dir;
  private static JsonNode manifest;
  private static Command.Result firstIngest;
  private static long failedWeather;
  private static Map<String, Long> goldCounts;

  @BeforeAll
  static void simulateTheFleet() throws Exception {
    stack = LocalStackExtension.stack();
    spark = TestSpark.session(stack.settings());
    weather = new WeatherAdmin(stack.weatherUrl());
    env = TestStack.isolatedEnv("fleet.it", ROOT);
    env.put("FLEETLAKE_WEATHER_BACKOFF", "20 milliseconds");
    env.put("FLEETLAKE_WEATHER_READ_TIMEOUT", "1 second");
    dir = TestStack.projectDir().resolve("target/fleet-it");
    Files.createDirectories(dir);
    Path manifestFile = dir.resolve("manifest.json");
    stack.run(env, "simulate", "--units", String.valueOf(UNITS), "--days", "2", "--malformed", "2", "--duplicates", "1",
        "--late", "1", "--manifest", manifestFile.toString());
    manifest = new ObjectMapper().readTree(manifestFile.toFile());
  }

  private static Dataset<Row> table(String name) {
    return spark.read().format("delta").load(ROOT + "/" + name);
  }

  private static long records() {
    return table("bronze/locations").count() + table("bronze/locations_quarantine").count();
  }

  @Test
  @Order(1)
  void ingestPutsEveryRecordInBronzeOrQuarantineExactlyOnce() {
    firstIngest = stack.run(env, "ingest-locations", "--available-now");
    long bronze = table("bronze/locations").count();
    long quarantine = table("bronze/locations_quarantine").count();
    assertEquals(manifest.get("expected_bronze_rows").asLong(), bronze);
    assertEquals(manifest.get("expected_quarantine_rows").asLong(), quarantine);
    assertEquals(manifest.get("records_produced").asLong(), bronze + quarantine);
    Dataset<Row> coordinates = table("bronze/locations").select("kafka_topic", "kafka_partition", "kafka_offset")
        .union(table("bronze/locations_quarantine").select("kafka_topic", "kafka_partition", "kafka_offset"));
    assertEquals(bronze + quarantine, coordinates.distinct().count(), "no Kafka record twice");
  }

  @Test
  @Order(2)
  void eachMalformedKindIsQuarantinedWithItsReason() {
    Map<String, Long> byReason = new HashMap<>();
    for (Row row : table("bronze/locations_quarantine").groupBy("reason_code").count().collectAsList()) {
      byReason.put(row.getString(0), row.getLong(1));
    }
    Map<String, Long> expected = new HashMap<>();
    manifest.get("quarantine_reasons_expected").fields().forEachRemaining(e -> expected.put(e.getKey(), e.getValue().asLong()));
    assertEquals(expected, byReason);
    assertEquals(0, table("bronze/locations_quarantine").filter("reason IS NULL OR raw_value IS NULL").count());
    assertEquals(manifest.get("malformed_by_kind").get("INVALID_UTF8").asLong(),
        table("bronze/locations_quarantine").filter("raw_encoding = 'base64'").count());
  }

  @Test
  @Order(3)
  void duplicatesStayInBronzeAndAreCounted() {
    Dataset<Row> bronze = table("bronze/locations");
    assertEquals(manifest.get("duplicate_pings").asLong(), bronze.count() - bronze.select("event_id").distinct().count());
    assertEquals(manifest.get("pings").asLong(), bronze.select("event_id").distinct().count());
  }

  @Test
  @Order(4)
  void unknownFieldsAndMissingOptionalFieldsLandInBronze() {
    Dataset<Row> bronze = table("bronze/locations").dropDuplicates("event_id");
    JsonNode odd = manifest.get("odd_pings_by_kind");
    assertTrue(odd.get("UNKNOWN_FIELDS").asLong() > 0 && odd.get("NO_OPTIONAL_FIELDS").asLong() > 0, odd::toString);
    assertEquals(odd.get("UNKNOWN_FIELDS").asLong(),
        bronze.filter("get_json_object(raw_json, '$.driver_note') = 'ferry delayed'").count());
    assertEquals(odd.get("NO_OPTIONAL_FIELDS").asLong(),
        bronze.filter("speed_kmh IS NULL AND heading_deg IS NULL AND fuel_level_pct IS NULL").count());
  }

  @Test
  @Order(5)
  void qualityResultsCountEveryRuleOfTheBatch() {
    Dataset<Row> results = table("_quality/results");
    Row negative = results.filter("rule = 'NEGATIVE_SPEED'").groupBy().sum("rows_failed", "rows_checked").first();
    long negativeInBronze = table("bronze/locations").filter("array_contains(quality_flags, 'NEGATIVE_SPEED')").count();
    assertEquals(negativeInBronze, negative.getLong(0));
    assertEquals(manifest.get("expected_bronze_rows").asLong(), negative.getLong(1));
    long quarantinedByRules = results.filter("severity = 'hard'").groupBy().sum("rows_failed").first().getLong(0);
    assertEquals(manifest.get("expected_quarantine_rows").asLong(), quarantinedByRules);
    // one batch here, so the re-sent pings are all counted within it
    assertEquals(manifest.get("duplicate_pings").asLong(),
        results.filter("rule = 'DUPLICATE_EVENT_ID'").groupBy().sum("rows_failed").first().getLong(0));
    assertEquals(0L, results.filter("rule = 'UNKNOWN_UNIT'").groupBy().sum("rows_checked").first().getLong(0),
        "no bronze/transport_units yet: unknown units are not checked");
  }

  @Test
  @Order(6)
  void fewFilesPerMicroBatchAndAProgressLine() {
    for (String name : List.of("bronze/locations", "bronze/locations_quarantine", "_quality/results")) {
      List<Row> writes = spark.sql("DESCRIBE HISTORY delta.`" + ROOT + "/" + name + "`")
          .filter("operation = 'WRITE'").select("version", "operationMetrics.numFiles").collectAsList();
      for (Row write : writes) {
        System.out.println("files per batch: " + name + " version " + write.getLong(0) + ": " + write.getString(1));
        assertTrue(Integer.parseInt(write.getString(1)) <= 2, name + " " + write);
      }
    }
    assertTrue(firstIngest.out().lines().anyMatch(l -> l.matches(
        "batch 0: [0-9,]+ records → [0-9,]+ bronze \\([0-9,]+ flagged, [0-9,]+ repeated event_ids\\), [0-9,]+ quarantined; [0-9.]+ s; 0 behind")),
        firstIngest::toString);
  }

  @Test
  @Order(7)
  void aSecondIngestFindsNothingNew() {
    long before = records();
    stack.run(env, "ingest-locations", "--available-now");
    assertEquals(before, records());
  }

  /** The sources, the dimension, then silver-locations: every ping once, with its weather, in few calls. */
  @Test
  @Order(10)
  void theFleetGetsItsWeatherInFewCalls() throws Exception {
    stack.run(env, "poll-sources", "--available-now");
    stack.run(env, "silver-dimensions", "--available-now");
    weather.reset();
    Command.Result silver = stack.run(env, "silver-locations", "--available-now");

    Dataset<Row> pings = table("silver/locations_enriched");
    long expected = manifest.get("pings").asLong();
    assertEquals(expected, pings.count(), "each ping once: the duplicates are gone");
    assertEquals(expected, pings.select("event_id").distinct().count());
    // today's hours are the forecast model's until the archive has the day: provisional, not yet ok
    assertEquals(expected, pings.filter("weather_status = 'ok' OR (weather_status = 'provisional' AND event_date = "
        + "current_date())").count(), "100 % of the fleet has its weather");
    assertEquals(expected, pings.filter("unit_known").count());
    long cellDays = pings.selectExpr("floor(lat / 0.25 + 0.5)", "floor(lon / 0.25 + 0.5)", "event_date").distinct().count();
    JsonNode stats = weather.stats();
    double weight = stats.get("weight").asDouble();
    System.out.printf("weather: weight %.0f in %d requests for %d distinct (cell, day) keys: %.4f; peak %.0f a minute; %s%n",
        weight, stats.get("calls").asInt(), cellDays, weight / cellDays, stats.get("peak_weight_per_minute").asDouble(),
        silver.out().lines().filter(l -> l.startsWith("silver-locations: batch")).toList());
    assertTrue(weight <= cellDays, "weight " + weight + " for " + cellDays + " cell-days");
    assertEquals(0, stats.get("rate_limited").asInt(), "no request answered 429");
    assertEquals(UNITS, pings.filter("prev_event_time IS NULL").count(), "only each unit's first ping has no previous");
  }

  /**
   * An earlier day of pings while the weather server fails, through run-all (every streaming job in one
   * application) in micro-batches of 3,000 records, then of 3 bronze files: no row held back or lost, the failed
   * weather marked with its error, and each ingest batch behind by exactly the records the topic holds after it.
   */
  @Test
  @Order(20)
  void anotherDayThroughRunAllWhileTheWeatherFails() throws Exception {
    LocalDate earlier = LocalDate.now(ZoneOffset.UTC).minusDays(4);
    stack.run(env, "simulate", "--units", String.valueOf(UNITS), "--days", "1", "--start", earlier.toString(), "--seed", "7",
        "--duplicates", "0", "--late", "0", "--malformed", "0", "--manifest", dir.resolve("earlier-day.json").toString());
    weather.fault("kind=delay&ms=2500&count=2");
    weather.fault("kind=status&status=503&count=8");
    weather.fault("kind=broken-json&count=4");
    weather.fault("kind=status&status=500&count=200");
    long before = records();
    Map<String, String> batched = new HashMap<>(env);
    batched.put("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER", "3000");
    batched.put("FLEETLAKE_STREAMING_SILVER_MAX_FILES_PER_TRIGGER", "3");
    Command.Result all = stack.run(batched, "run-all", "--available-now");
    assertTrue(all.out().contains("run-all: every stage caught up"), all::toString);
    for (String step : List.of("poll unit_performance", "silver-locations: batch", "gold: batch 0 of pings",
        "gold: batch 0 of performance")) {
      assertTrue(all.out().contains(step), () -> "run-all ran " + step + ":\n" + all);
    }

    Dataset<Row> pings = table("silver/locations_enriched");
    failedWeather = pings.filter("weather_status = 'failed'").count();
    assertEquals(manifest.get("pings").asLong() + UNITS * PINGS_A_DAY, pings.count(), "no row held back or lost while the API failed");
    assertTrue(failedWeather > 0, "the outage shows as failed rows");
    assertEquals(0, pings.filter("weather_status = 'failed' AND weather_error IS NULL").count());

    // every micro-batch's progress is in the lake and answers through the sql job
    Command.Result lag = stack.run(env, "sql", "SELECT query, count(*) AS batches, sum(input_rows) AS input_rows "
        + "FROM ops.stream_progress WHERE job = 'run-all' GROUP BY query ORDER BY query", "--format", "csv");
    Map<String, String[]> progress = new HashMap<>();
    lag.out().lines().skip(1).map(line -> line.split(",", -1)).forEach(fields -> progress.put(fields[0], fields));
    assertTrue(progress.size() >= 6 && progress.containsKey("ingest-locations"), lag::toString);
    long earlierDay = records() - before;
    assertEquals(UNITS * PINGS_A_DAY, earlierDay);
    assertEquals(earlierDay, Long.parseLong(progress.get("ingest-locations")[2]), lag::toString);
    // each ingest batch is behind by the records the topic holds after it, over all its partitions
    List<Row> ingestBatches = table("_ops/stream_progress")
        .filter("job = 'run-all' AND query = 'ingest-locations'")
        .selectExpr("batch_id", "kafka_offsets_behind", earlierDay + " - sum(input_rows) OVER (ORDER BY batch_id) AS left_in_topic")
        .collectAsList();
    assertTrue(ingestBatches.size() >= 2, ingestBatches::toString);
    for (Row batch : ingestBatches) {
      assertFalse(batch.isNullAt(1), () -> "a figure for every batch: " + batch);
      assertEquals(batch.getLong(2), batch.getLong(1), () -> "behind, batch " + batch);
    }
    // the day had no malformed record: its batches quarantined nothing, and still recorded the position that a
    // new checkpoint would start from (in the quarantine commit): the end of the topic, not an older batch's
    Map<Integer, Long> held = new HashMap<>();
    for (Row row : table("bronze/locations").select("kafka_partition", "kafka_offset")
        .union(table("bronze/locations_quarantine").select("kafka_partition", "kafka_offset"))
        .groupBy("kafka_partition").max("kafka_offset").collectAsList()) {
      held.put(row.getInt(0), row.getLong(1));
    }
    assertEquals(held, new io.fleetlake.bronze.IngestedOffsets(spark, new io.fleetlake.config.LakeSettings(ROOT))
        .highest("fleet.it"), "the position recorded by the last batch");
  }

  /** The failed weather filled in once the server answers; gold follows the corrected hours. */
  @Test
  @Order(21)
  void theWeatherIsFilledInLaterAndGoldFollows() throws Exception {
    weather.reset();
    Command.Result backfill = stack.run(env, "silver-locations", "--backfill-weather");
    assertTrue(backfill.out().contains("silver-locations: weather changed for " + String.format("%,d", failedWeather) + " rows"),
        backfill::toString);
    Dataset<Row> pings = table("silver/locations_enriched");
    assertEquals(manifest.get("pings").asLong() + UNITS * PINGS_A_DAY, pings.count());
    assertEquals(0, pings.filter(WeatherEnrichment.refillable()).count(), "none pending or failed");

    Command.Result all = stack.run(env, "run-all", "--available-now");
    // the next step's comparison with silver shows the corrected hours' weather_share and means
    assertTrue(all.out().contains("gold: batch"), () -> "gold reads the corrected weather:\n" + all);
  }

  @Test
  @Order(22)
  void goldEqualsSilverRecomputed() {
    double p90Error = GoldExpectations.assertGoldMatchesSilver(spark, ROOT);
    System.out.printf("gold equals silver recomputed; p90 worst relative error %.5f%n", p90Error);
    goldCounts = goldCounts();
  }

  /**
   * maintain: the micro-batches' small files become few, every row reads the same (row by row against the version
   * before), and the manifest lists exactly the live files (Athena's Parquet path, no Delta involved).
   */
  @Test
  @Order(30)
  void maintainCompactsWithoutChangingARow() throws Exception {
    Path upkeep = dir.resolve("maintain.conf");
    Files.writeString(upkeep, """
        fleetlake.maintain.tables = [
          { table = bronze/locations, zorder-by = [unit_id], manifest = true, auto-optimize = true }
          { table = silver/locations_enriched, zorder-by = [unit_id], manifest = true, auto-optimize = true }
        ]
        """);
    List<String> streamedTables = List.of("bronze/locations", "silver/locations_enriched");
    Map<String, Long> versionBefore = new HashMap<>();
    for (String table : streamedTables) {
      versionBefore.put(table, DeltaTable.forPath(spark, ROOT + "/" + table).history(1).first().<Long>getAs("version"));
    }
    Command.Result maintained = stack.run(env, "maintain", "--config", upkeep.toString());
    for (String table : streamedTables) {
      Matcher files = Pattern.compile("maintain " + table + ": ([\\d,]+) files?, [^→]* → ([\\d,]+) files?,").matcher(maintained.out());
      assertTrue(files.find(), maintained::toString);
      System.out.println("maintain " + table + ": " + files.group(1) + " → " + files.group(2) + " files");
      long before = Long.parseLong(files.group(1).replace(",", ""));
      long after = Long.parseLong(files.group(2).replace(",", ""));
      // bronze's appends leave small files; silver's one MERGE per batch rewrites the partition it touches, so
      // it may already be one file per partition: maintain must then leave it so, never add files
      assertTrue(table.startsWith("bronze/") ? after < before : after <= before, maintained::toString);
      String path = ROOT + "/" + table;
      assertSameRows(spark.read().format("delta").option("versionAsOf", versionBefore.get(table)).load(path),
          spark.read().format("delta").load(path));
    }
    Dataset<Row> silver = table("silver/locations_enriched");
    assertSameRows(silver, ManifestReader.read(spark, ROOT + "/silver/locations_enriched", silver.schema()));
  }

  /** Run again: nothing new (maintain's OPTIMIZE changed no row), so no gold batch and the same gold. */
  @Test
  @Order(31)
  void aSecondRunFindsNothingNew() {
    Command.Result again = stack.run(env, "run-all", "--available-now");
    assertTrue(again.out().contains("run-all: every stage caught up"), again::toString);
    assertFalse(again.out().contains("gold: batch"), () -> "a second run finds nothing new:\n" + again);
    assertEquals(goldCounts, goldCounts(), "a second run adds nothing");
  }

  @Test
  @Order(40)
  void theModelBeatsTheNaiveBaseline() {
    Command.Result trained = stack.run(env, "train-model");
    Row metrics = table("gold/model_metrics").first();
    System.out.println(trained.out());
    assertTrue(metrics.<Double>getAs("mae") < metrics.<Double>getAs("baseline_mae"), trained::toString);
    assertTrue(metrics.<Double>getAs("rmse") < metrics.<Double>getAs("baseline_rmse"), trained::toString);
    assertTrue(metrics.<Double>getAs("r2") > metrics.<Double>getAs("baseline_r2"), trained::toString);
    assertTrue(metrics.<Long>getAs("test_rows") > 30, "a test day of the fleet's fuel units");
  }

  @Test
  @Order(41)
  void theDashboardRendersEveryChart() throws Exception {
    Path html = dir.resolve("dashboard.html");
    Command.Result report = stack.run(env, "report", "--output", html.toString());
    assertTrue(report.out().contains("report: 6 charts → " + html), report::toString);
    String page = Files.readString(html);
    assertTrue(page.contains("Weather data by <a href=\"https://open-meteo.com/\">Open-Meteo.com</a>"),
        "the dashboard credits the weather, as CC BY 4.0 asks");
    for (String fetch : List.of("<script", "<link", "<img", "url(", "@import")) {
      assertFalse(page.contains(fetch), "self-contained: no " + fetch);
    }
    BufferedImage screenshot = Chromium.screenshot(html, dir.resolve("dashboard.png"), 1280, 3000);
    // the series' colours (each unit type, the model, its baseline) are used by nothing but the charts: beyond
    // their legends' 12×12 swatches, the lines, bars and dots must have drawn them (the baseline's few distinct
    // predictions pile up under the model's dots, so it shows least)
    for (String color : List.of("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e")) {
      long swatches = page.split("width=\"12\" height=\"12\" fill=\"" + color + "\"", -1).length - 1;
      long drawn = Chromium.pixelsOf(screenshot, color) - swatches * 144;
      // > 200: at least a handful of dots (one is ~40 pixels inside its white rim), or any bar or line
      assertTrue(swatches > 0 && drawn > 200, "charts drew " + color + ": " + drawn + " pixels besides " + swatches + " legend swatches");
    }
  }

  @Test
  @Order(42)
  void everyNotebookSqlCellRuns() throws Exception {
    SparkSession notebooks = spark.newSession();
    for (Layer layer : Layer.values()) {
      notebooks.conf().set("spark.sql.catalog." + layer.sqlName() + ".path", ROOT + "/" + layer.folder());
    }
    List<NotebookSql.Cell> cells = NotebookSql.cells(TestStack.projectDir().resolve("notebooks"));
    assertTrue(cells.size() >= 12, "the notebooks' SQL cells: " + cells.size());
    List<String> empty = new ArrayList<>();
    for (NotebookSql.Cell cell : cells) {
      long rows;
      try {
        rows = notebooks.sql(cell.sql()).count();
      } catch (Exception e) {
        throw new AssertionError(cell.notebook() + " cell " + cell.index() + " fails: " + e.getMessage() + "\n" + cell.sql(), e);
      }
      if (rows == 0) {
        empty.add(cell.notebook() + " cell " + cell.index());
      }
    }
    System.out.println(cells.size() + " notebook SQL cells ran; without rows: " + empty);
    assertTrue(empty.size() <= 1, "cells answer on the demo's tables; empty: " + empty);
  }

  private static Map<String, Long> goldCounts() {
    Map<String, Long> counts = new HashMap<>();
    for (String name : List.of("unit_activity_hourly", "fleet_daily", "resource_usage_features")) {
      counts.put(name, table("gold/" + name).count());
    }
    return counts;
  }
}
