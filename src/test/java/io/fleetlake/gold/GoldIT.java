package io.fleetlake.gold;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.fleetlake.lake.Layer;
import io.fleetlake.testing.Chromium;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.ManifestReader;
import io.fleetlake.testing.NotebookSql;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulated 2-day, 60-unit fleet through run-all (every streaming job in one application), then train-model
 * and report, on the real servers: gold equals an independent computation over silver, the model beats the
 * naive baseline, the dashboard renders in headless Chromium, and every SQL cell of the notebooks runs against
 * these tables.
 */
@ExtendWith(LocalStackExtension.class)
class GoldIT {
  private static final String ROOT = "s3a://fleet-lake/gold-it";

  @Test
  void theFleetFromKafkaToTheDashboard() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv("gold.it", ROOT);
    stack.run(env, "simulate", "--units", "60", "--days", "2", "--duplicates", "1", "--late", "1", "--malformed", "1");

    // micro-batches of 4,000 records, then of 3 bronze files: small files, as a stream writes them
    Map<String, String> batched = new HashMap<>(env);
    batched.put("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER", "4000");
    batched.put("FLEETLAKE_STREAMING_SILVER_MAX_FILES_PER_TRIGGER", "3");
    Command.Result all = stack.run(batched, "run-all", "--available-now");
    assertTrue(all.out().contains("run-all: every stage caught up"), all::toString);
    for (String step : List.of("batch 0: ", "poll unit_performance", "silver-dimensions: batch 0", "silver-locations: batch 0",
        "gold: batch 0 of pings", "gold: batch 0 of performance")) {
      assertTrue(all.out().contains(step), () -> "run-all ran " + step + ":\n" + all);
    }
    // every micro-batch's progress is in the lake, and answers through the sql job: ingest read every Kafka record
    // (each is in bronze or its quarantine once) and, 4,000 records a batch, was behind after its first
    Command.Result lag = stack.run(env, "sql", "SELECT query, count(*) AS batches, sum(input_rows) AS input_rows, "
        + "max(kafka_offsets_behind) AS most_behind FROM ops.stream_progress WHERE job = 'run-all' GROUP BY query "
        + "ORDER BY query", "--format", "csv");
    Map<String, String[]> progress = new HashMap<>();
    lag.out().lines().skip(1).map(line -> line.split(",", -1)).forEach(fields -> progress.put(fields[0], fields));
    assertTrue(progress.size() >= 6 && progress.containsKey("ingest-locations"), lag::toString);
    long records = spark.read().format("delta").load(ROOT + "/bronze/locations").count()
        + spark.read().format("delta").load(ROOT + "/bronze/locations_quarantine").count();
    assertEquals(records, Long.parseLong(progress.get("ingest-locations")[2]), lag::toString);
    assertTrue(Long.parseLong(progress.get("ingest-locations")[3]) > 0, lag::toString);
    System.out.println("ops.stream_progress: " + progress.size() + " queries; ingest read " + records + " records");
    // each ingest batch is behind by the records the topic holds after it, over all its partitions
    List<Row> ingestBatches = spark.read().format("delta").load(ROOT + "/_ops/stream_progress")
        .filter("job = 'run-all' AND query = 'ingest-locations'")
        .selectExpr("batch_id", "kafka_offsets_behind", records + " - sum(input_rows) OVER (ORDER BY batch_id) AS left_in_topic")
        .collectAsList();
    assertTrue(ingestBatches.size() >= 3, ingestBatches::toString);
    for (Row batch : ingestBatches) {
      assertFalse(batch.isNullAt(1), () -> "a figure for every batch: " + batch);
      assertEquals(batch.getLong(2), batch.getLong(1), () -> "behind, batch " + batch);
    }

    double p90Error = GoldExpectations.assertGoldMatchesSilver(spark, ROOT);
    System.out.printf("gold equals silver recomputed; p90 worst relative error %.5f%n", p90Error);
    Map<String, Long> counts = goldCounts(spark);

    // maintain: the micro-batches' small files become few, every row reads the same (row by row against the
    // version before), and the manifest lists exactly the live files (Athena's Parquet path, no Delta involved)
    Path dir = TestStack.projectDir().resolve("target/gold-it");
    Files.createDirectories(dir);
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
    assertManifestIsTheTable(spark, ROOT + "/silver/locations_enriched");

    // run again, it finds nothing new: no gold batch (maintain's OPTIMIZE changed no row), the same gold. (run-all
    // streaming, a unit erased under it and a lost ingest checkpoint: SourcesDownIT, CheckpointLossIT)
    Command.Result again = stack.run(env, "run-all", "--available-now");
    assertTrue(again.out().contains("run-all: every stage caught up"), again::toString);
    assertFalse(again.out().contains("gold: batch"), () -> "a second run finds nothing new:\n" + again);
    assertEquals(counts, goldCounts(spark), "a second run adds nothing");

    Command.Result trained = stack.run(env, "train-model");
    Row metrics = spark.read().format("delta").load(ROOT + "/gold/model_metrics").first();
    System.out.println(trained.out());
    assertTrue(metrics.<Double>getAs("mae") < metrics.<Double>getAs("baseline_mae"), trained::toString);
    assertTrue(metrics.<Double>getAs("rmse") < metrics.<Double>getAs("baseline_rmse"), trained::toString);
    assertTrue(metrics.<Double>getAs("r2") > metrics.<Double>getAs("baseline_r2"), trained::toString);
    assertTrue(metrics.<Long>getAs("test_rows") > 30, "a test day of the fleet's fuel units");

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

  private static void assertManifestIsTheTable(SparkSession spark, String path) throws Exception {
    Dataset<Row> delta = spark.read().format("delta").load(path);
    assertSameRows(delta, ManifestReader.read(spark, path, delta.schema()));
  }

  private static Map<String, Long> goldCounts(SparkSession spark) {
    Map<String, Long> counts = new HashMap<>();
    for (String table : List.of("unit_activity_hourly", "fleet_daily", "resource_usage_features")) {
      counts.put(table, spark.read().format("delta").load(ROOT + "/gold/" + table).count());
    }
    return counts;
  }
}
