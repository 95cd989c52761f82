package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.MalformedPings;
import io.fleetlake.testing.PingFuzz;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.TestTopic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One micro-batch of hostile records through ingest-locations on the real broker and S3 server. The simulated
 * fleet's own malformed, duplicate and odd pings: {@link io.fleetlake.FleetIT}.
 */
@ExtendWith(LocalStackExtension.class)
class IngestLocationsIT {
  /**
   * One micro-batch of hostile records through the real job: the corpus of known malformed kinds (each with
   * its reason), a ping dated +300000 between two ordinary pings, then a few thousand fuzzed records. The batch
   * commits, the job exits 0, and every record lands in exactly one of bronze and quarantine.
   */
  @Test
  void hostileRecordsAreQuarantinedWithTheirReasonsAndTheStreamGoesOn() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
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
