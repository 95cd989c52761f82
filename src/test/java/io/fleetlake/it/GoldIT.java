package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.lake.Layer;
import io.fleetlake.testing.Chromium;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.LocalStackExtension;
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
    Map<String, String> env = new HashMap<>(TestStack.SECRETS);
    env.put("FLEETLAKE_KAFKA_TOPIC", "gold.it");
    env.put("FLEETLAKE_LAKE_ROOT", ROOT);
    env.put("FLEETLAKE_WEATHER_CALLS_PER_MINUTE", "6000");
    stack.submit(env, "simulate", "--units", "60", "--days", "2", "--duplicates", "1", "--late", "1", "--malformed", "1");

    Command.Result all = stack.submit(env, "run-all", "--available-now");
    assertTrue(all.out().contains("run-all: every stage caught up"), all::toString);
    for (String step : List.of("batch 0: ", "poll unit_performance", "silver-dimensions: batch 0", "silver-locations: batch 0",
        "gold: batch 0 of pings", "gold: batch 0 of performance")) {
      assertTrue(all.out().contains(step), () -> "run-all ran " + step + ":\n" + all);
    }
    double p90Error = GoldExpectations.assertGoldMatchesSilver(spark, ROOT);
    System.out.printf("gold equals silver recomputed; p90 worst relative error %.5f%n", p90Error);
    Map<String, Long> counts = goldCounts(spark);

    Command.Result again = stack.submit(env, "run-all", "--available-now");
    assertFalse(again.out().contains("gold: batch"), () -> "a second run finds nothing new:\n" + again);
    assertEquals(counts, goldCounts(spark), "a second run adds nothing");

    Command.Result trained = stack.submit(env, "train-model");
    Row metrics = spark.read().format("delta").load(ROOT + "/gold/model_metrics").first();
    System.out.println(trained.out());
    assertTrue(metrics.<Double>getAs("mae") < metrics.<Double>getAs("baseline_mae"), trained::toString);
    assertTrue(metrics.<Double>getAs("rmse") < metrics.<Double>getAs("baseline_rmse"), trained::toString);
    assertTrue(metrics.<Double>getAs("r2") > metrics.<Double>getAs("baseline_r2"), trained::toString);
    assertTrue(metrics.<Long>getAs("test_rows") > 30, "a test day of the fleet's fuel units");

    Path dir = TestStack.projectDir().resolve("target/gold-it");
    Files.createDirectories(dir);
    Path html = dir.resolve("dashboard.html");
    Command.Result report = stack.submit(env, "report", "--output", html.toString());
    assertTrue(report.out().contains("report: 6 charts → " + html), report::toString);
    String page = Files.readString(html);
    for (String fetch : List.of("<script", "<link", "<img", "url(", "@import")) {
      assertFalse(page.contains(fetch), "self-contained: no " + fetch);
    }
    BufferedImage screenshot = Chromium.screenshot(html, dir.resolve("dashboard.png"), 1280, 3000);
    // the series' colours (each unit type, the model, its baseline) are used by nothing but the charts: beyond
    // their legends' 12×12 swatches, the lines, bars and dots must have drawn them
    for (String color : List.of("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e")) {
      long swatches = page.split("width=\"12\" height=\"12\" fill=\"" + color + "\"", -1).length - 1;
      long drawn = Chromium.pixelsOf(screenshot, color) - swatches * 144;
      assertTrue(swatches > 0 && drawn > 500, "charts drew " + color + ": " + drawn + " pixels besides " + swatches + " legend swatches");
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

  private static Map<String, Long> goldCounts(SparkSession spark) {
    Map<String, Long> counts = new HashMap<>();
    for (String table : List.of("unit_activity_hourly", "fleet_daily", "resource_usage_features")) {
      counts.put(table, spark.read().format("delta").load(ROOT + "/gold/" + table).count());
    }
    return counts;
  }
}
