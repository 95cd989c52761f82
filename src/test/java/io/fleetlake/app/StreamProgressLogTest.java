package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.apache.spark.sql.streaming.SourceProgress;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How far a batch is behind its source: a Delta source's commits not read (Delta reports no such figure itself), a
 * Kafka source's records left in the topic (Spark reports one partition's).
 */
class StreamProgressLogTest {
  private static final String SILVER = "DeltaSource[s3a://fleet-lake/lake/silver/locations_enriched]";
  private static final Function<String, Long> AT_VERSION_9 =
      Map.of("s3a://fleet-lake/lake/silver/locations_enriched", 9L)::get;

  private static String offset(long version, long index) {
    return "{\"sourceVersion\":1,\"reservoirId\":\"45f0d3cb\",\"reservoirVersion\":" + version + ",\"index\":" + index
        + ",\"isStartingVersion\":false}";
  }

  @Test
  void theCommitsAfterTheBatchsEndAreBehind() {
    assertEquals(3L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(6, 4), AT_VERSION_9));
    assertEquals(0L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(9, 12), AT_VERSION_9));
  }

  @Test
  void anOffsetBeforeItsVersionsFirstFileHasNotReadThatVersion() {
    // index -1: everything before the version is read, nothing of it; version 10 does not exist yet
    assertEquals(1L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(9, -1), AT_VERSION_9));
    assertEquals(0L, StreamProgressLog.deltaVersionsBehind(SILVER, offset(10, -1), AT_VERSION_9));
  }

  @Test
  void otherSourcesAndUnreadableTablesGiveNoFigure() {
    assertNull(StreamProgressLog.deltaVersionsBehind("KafkaV2[Subscribe[fleet.locations]]", "{\"fleet.locations\":{\"0\":42}}",
        AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind("DeltaSource[s3a://elsewhere/t]", offset(6, 4), AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind(SILVER, null, AT_VERSION_9));
    assertNull(StreamProgressLog.deltaVersionsBehind(SILVER, "not json", AT_VERSION_9));
  }

  private static SourceProgress kafka(String end, String latest, Map<String, String> metrics) {
    return new SourceProgress("KafkaV2[Subscribe[fleet.locations]]", null, end, latest, 2_000, 0, 0, metrics);
  }

  @Test
  void aKafkaBatchIsBehindByTheRecordsLeftInEveryPartition() {
    // the demo's first batch: 2,000 of 11,865 records over three partitions; Spark's maxOffsetsBehindLatest said 3,293
    SourceProgress first = kafka("{\"fleet.locations\":{\"0\":667,\"1\":667,\"2\":666}}",
        "{\"fleet.locations\":{\"0\":3955,\"1\":3960,\"2\":3950}}", Map.of("maxOffsetsBehindLatest", "3293.0"));
    assertEquals(9_865L, StreamProgressLog.kafkaRecordsBehind(first));
    // a partition the batch has not read yet is behind by all of it
    assertEquals(3_000L + 1_200L, StreamProgressLog.kafkaRecordsBehind(kafka("{\"fleet.locations\":{\"0\":1000}}",
        "{\"fleet.locations\":{\"0\":4000,\"1\":1200}}", Map.of("maxOffsetsBehindLatest", "3000.0"))));
    assertEquals(0L, StreamProgressLog.kafkaRecordsBehind(kafka("{\"fleet.locations\":{\"0\":4000}}",
        "{\"fleet.locations\":{\"0\":4000}}", Map.of("maxOffsetsBehindLatest", "0.0"))));
    assertNull(StreamProgressLog.kafkaRecordsBehind(kafka("{}", "{}", Map.of())), "no Kafka metrics: not Kafka's");
    assertNull(StreamProgressLog.kafkaRecordsBehind(kafka("not json", "{}", Map.of("maxOffsetsBehindLatest", "1.0"))));
  }
}
