package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.MalformedPings;
import io.fleetlake.testing.PingFuzz;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.TestTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The simulator's 2-day, 60-unit fleet (2 % malformed, 1 % duplicates, 1 % late) through ingest-locations on
 * the real broker and S3 server: every record in exactly one of bronze and quarantine, as the manifest says.
 */
@ExtendWith(LocalStackExtension.class)
class IngestLocationsIT {
  private static final String ROOT = "s3a://fleet-lake/ingest-it";
  private static TestStack stack;
  private static SparkSession spark;
  private static Map<String, String> env;
  private static JsonNode manifest;
  private static Command.Result firstIngest;

  @BeforeAll
  static void simulateAndIngest() throws Exception {
    stack = LocalStackExtension.stack();
    spark = TestSpark.session(stack.settings());
    env = TestStack.isolatedEnv("ingest.it", ROOT);
    Path manifestFile = TestStack.projectDir().resolve("target/ingest-it-manifest.json");
    Command.Result simulate = job("simulate", "--units", "60", "--days", "2", "--malformed", "2", "--duplicates", "1",
        "--late", "1", "--manifest", manifestFile.toString());
    assertEquals(0, simulate.exitCode(), simulate::toString);
    manifest = new ObjectMapper().readTree(manifestFile.toFile());
    firstIngest = job("ingest-locations", "--available-now");
    assertEquals(0, firstIngest.exitCode(), firstIngest::toString);
  }

  private static Command.Result job(String... args) {
    return stack.runInJvm(env, args);
  }

  private static Dataset<Row> table(String name) {
    return spark.read().format("delta").load(ROOT + "/" + name);
  }

  @Test
  void bronzePlusQuarantineIsEveryRecordProducedExactlyOnce() {
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
  void duplicatesStayInBronzeAndAreCounted() {
    Dataset<Row> bronze = table("bronze/locations");
    assertEquals(manifest.get("duplicate_pings").asLong(), bronze.count() - bronze.select("event_id").distinct().count());
    assertEquals(manifest.get("pings").asLong(), bronze.select("event_id").distinct().count());
  }

  @Test
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
  void aSecondRunFindsNothingNew() throws Exception {
    long before = table("bronze/locations").count() + table("bronze/locations_quarantine").count();
    Command.Result again = job("ingest-locations", "--available-now");
    assertEquals(0, again.exitCode(), again::toString);
    assertEquals(before, table("bronze/locations").count() + table("bronze/locations_quarantine").count());
  }

  /**
   * One micro-batch of hostile records through the real job: the corpus of known malformed kinds (each with
   * its reason), a ping dated +300000 between two ordinary pings, then a few thousand fuzzed records. The batch
   * commits, the job exits 0, and every record lands in exactly one of bronze and quarantine.
   */
  @Test
  void hostileRecordsAreQuarantinedWithTheirReasonsAndTheStreamGoesOn() throws Exception {
    String root = "s3a://fleet-lake/ingest-corpus-it";
    List<MalformedPings.Case> corpus = MalformedPings.all();
    List<PingFuzz.Record> fuzz = PingFuzz.records(7, 250);
    TestTopic topic = TestTopic.create(stack.settings().kafka().bootstrapServers(), "ingest.corpus.it", 1);
    List<byte[][]> records = new ArrayList<>();
    corpus.forEach(c -> records.add(new byte[][] {c.key(), c.value()})); // offset i is corpus case i
    String good = MalformedPings.GOOD;
    records.add(new byte[][] {MalformedPings.KEY, utf8(good)});
    records.add(new byte[][] {MalformedPings.KEY, utf8(good.replace("c-1", "c-300000").replace("2026-11-23T10:15:00Z", "+300000-01-01T00:00:00Z"))});
    records.add(new byte[][] {MalformedPings.KEY, utf8(good.replace("c-1", "c-2"))});
    fuzz.forEach(r -> records.add(new byte[][] {r.key(), r.value()}));
    topic.send(0, records);
    Command.Result ingest = stack.runInJvm(TestStack.isolatedEnv(topic.name(), root), "ingest-locations", "--available-now");
    assertEquals(0, ingest.exitCode(), ingest::toString);
    assertTrue(ingest.out().contains("batch 0: " + String.format("%,d", records.size()) + " records"), ingest::toString);

    Map<Long, String> reasons = new HashMap<>();
    for (Row row : spark.read().format("delta").load(root + "/bronze/locations_quarantine")
        .select("kafka_offset", "reason_code", "reason").collectAsList()) {
      assertTrue(row.getString(2) != null && !row.getString(2).isBlank(), row::toString);
      assertNull(reasons.put(row.getLong(0), row.getString(1)), "offset " + row.getLong(0) + " quarantined twice");
    }
    Map<Long, String> bronze = new HashMap<>();
    for (Row row : spark.read().format("delta").load(root + "/bronze/locations").select("kafka_offset", "event_id")
        .collectAsList()) {
      assertNull(bronze.put(row.getLong(0), row.getString(1)), "offset " + row.getLong(0) + " in bronze twice");
      assertFalse(reasons.containsKey(row.getLong(0)), "offset " + row.getLong(0) + " in bronze and in quarantine");
    }
    List<String> wrong = new ArrayList<>();
    for (int offset = 0; offset < corpus.size(); offset++) {
      if (!corpus.get(offset).reason().name().equals(reasons.get((long) offset))) {
        wrong.add(corpus.get(offset).kind() + ": " + reasons.get((long) offset));
      }
    }
    assertEquals(List.of(), wrong);
    long c1 = corpus.size();
    assertEquals("c-1", bronze.get(c1));
    assertEquals("OUT_OF_RANGE", reasons.get(c1 + 1), "the ping dated +300000");
    assertEquals("c-2", bronze.get(c1 + 2));
    assertEquals(records.size(), bronze.size() + reasons.size(), "every record in exactly one of the two tables");
    assertFalse(reasons.containsValue("PARSER_ERROR"), "no record the parser did not foresee");
    Map<String, Long> byReason = new java.util.TreeMap<>();
    reasons.values().forEach(r -> byReason.merge(r, 1L, Long::sum));
    System.out.printf("hostile batch: %,d records (%,d corpus, 3 around +300000, %,d fuzzed) → %,d bronze, %,d quarantined %s%n",
        records.size(), corpus.size(), fuzz.size(), bronze.size(), reasons.size(), byReason);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
