package io.fleetlake.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.bench.BenchReport.Goal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
  @Test
  void eachGoalIsJudgedOnItsOwnSideOfTheTarget() {
    BenchReport report = new BenchReport();
    assertTrue(report.add("P2", "ingest ÷ baseline", 0.8, Goal.AT_LEAST, 0.8, 0, "").met());
    assertFalse(report.add("P2_b", "ingest ÷ baseline", 0.79, Goal.AT_LEAST, 0.8, 0, "").met());
    assertTrue(report.add("P6", "read ÷ changed", 1.1, Goal.AT_MOST, 1.1, 0, "").met());
    assertFalse(report.add("P6_b", "read ÷ changed", 1.2, Goal.AT_MOST, 1.1, 0, "").met());
    assertTrue(report.add("P7", "time ÷ size", 0.91, Goal.WITHIN, 1.0, 0.1, "").met());
    assertFalse(report.add("P7_b", "time ÷ size", 0.85, Goal.WITHIN, 1.0, 0.1, "").met(), "faster than linear is not linear");
    assertFalse(report.add("P7_c", "time ÷ size", 1.11, Goal.WITHIN, 1.0, 0.1, "").met());
    assertFalse(report.add("P5.x", "files ÷ batches", Double.NaN, Goal.AT_MOST, 2, 0, "no batch").met(), "no measurement is no pass");
    assertThrows(IllegalArgumentException.class, () -> report.add("P6", "again", 1, Goal.AT_MOST, 1, 0, ""),
        "a key names one figure");
    assertEquals(5, report.missed());
  }

  @Test
  void theJsonHoldsEveryFigureAndTheSections(@TempDir Path dir) throws Exception {
    BenchReport report = new BenchReport();
    report.add("P2", "ingest ÷ baseline", 0.91, Goal.AT_LEAST, 0.8, 0, "ingest 9,100 rows/s, baseline 10,000 rows/s");
    report.add("P4_gold", "p95 latency to gold ÷ trigger", 2.4, Goal.AT_MOST, 2.0, 0, "p95 72 s");
    report.add("P5.bronze/locations", "files per batch: bronze/locations", Double.NaN, Goal.AT_MOST, 2, 0, "none");
    report.add("P9.gold", "gold, 30-day lake ÷ 1-day lake", 1.3, Goal.AT_MOST, 1.2, 0, "");
    report.add("P9.ingest", "ingest, 30-day lake ÷ 1-day lake", 1.05, Goal.AT_MOST, 1.2, 0, "");
    report.put("machine", Map.of("cores", 2));
    Path file = dir.resolve("nested/result.json");
    report.write(file);

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(2, json.get("machine").get("cores").asInt());
    JsonNode figures = json.get("figures");
    assertEquals(List.of("P2", "P4_gold", "P5", "P9"), iterate(figures.fieldNames()));
    assertEquals(0.91, figures.get("P2").asDouble());
    assertEquals(2.4, figures.get("P4_gold").asDouble());
    assertTrue(figures.get("P5").get("bronze/locations").isNull(), "not measured is null, not NaN (JSON has no NaN)");
    assertEquals(List.of("gold", "ingest"), iterate(figures.get("P9").fieldNames()));
    assertEquals(1.05, figures.get("P9").get("ingest").asDouble());
    JsonNode goals = json.get("goals");
    assertEquals(5, goals.size());
    assertEquals("P4_gold", goals.get(1).get("key").asText());
    assertEquals("≥ 0.800", goals.get(0).get("goal").asText());
    assertTrue(goals.get(0).get("met").asBoolean());
    assertFalse(goals.get(1).get("met").asBoolean());
    assertEquals(3, json.get("goals_missed").asInt());
  }

  private static List<String> iterate(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  @Test
  void theTableSaysMetOrMissedPerFigure() {
    BenchReport report = new BenchReport();
    report.add("P1", "end to end ÷ baseline", 0.42, Goal.AT_LEAST, 0.35, 0, "4,200 rows/s");
    report.add("P3_backfill", "calls ÷ keys", 1.25, Goal.AT_MOST, 1.0, 0, "5 calls for 4 keys");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("P1") && l.contains("0.420") && l.contains("met   4,200 rows/s")), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("P3 ") && l.contains("1.25") && l.contains("MISSED")), table);
    assertTrue(table.contains("2 figures, 1 goals missed"), table);
  }

  @Test
  void theBenchLakesLieBesideTheLakeNeverInIt() {
    assertEquals("s3a://fleet-lake/bench", BenchEnvironment.benchRoot("s3a://fleet-lake/lake"));
    assertEquals("s3a://fleet-lake/bench", BenchEnvironment.benchRoot("s3a://fleet-lake/lake/"));
    assertEquals("s3a://bucket/data/bench", BenchEnvironment.benchRoot("s3a://bucket/data/lake"));
    assertEquals("s3a://bucket/bench", BenchEnvironment.benchRoot("s3a://bucket"));
  }
}
