package io.fleetlake.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.KafkaOffsets;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.TestTopic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator's checkpoint mistakes on ingest-locations: an older copy of the checkpoint restored (Spark then
 * re-plans batch 1, larger than the batch 1 that committed), and the checkpoint deleted (a new query would read
 * the retained topic from the start). Either way every Kafka offset is in bronze or quarantine exactly once.
 */
@ExtendWith(LocalStackExtension.class)
class CheckpointLossIT {
  private static final String ROOT = "s3a://fleet-lake/checkpoint-it";
  private static final String CHECKPOINT = ROOT + "/_checkpoints/ingest-locations/locations";
  private static final int PARTITIONS = 3;

  private int sent;

  @Test
  void restoredAndDeletedCheckpointsNeitherSkipNorRepeat() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv("checkpoint.it", ROOT);
    TestTopic topic = TestTopic.create(stack.settings().kafka().bootstrapServers(), "checkpoint.it", PARTITIONS);
    FileSystem fs = new Path(ROOT).getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path checkpoint = new Path(CHECKPOINT);
    Path olderCopy = new Path(ROOT + "/_checkpoint-copy");

    sendPings(topic, 150);
    stack.run(env, "ingest-locations", "--available-now");
    FileUtil.copy(fs, checkpoint, fs, olderCopy, false, spark.sparkContext().hadoopConfiguration());
    sendPings(topic, 150);
    stack.run(env, "ingest-locations", "--available-now");
    assertEquals(300, ingested(spark).count());

    // restore the copy: batch 1 is planned again, now over 300 records of which 150 are in bronze
    fs.delete(checkpoint, true);
    FileUtil.copy(fs, olderCopy, fs, checkpoint, false, spark.sparkContext().hadoopConfiguration());
    sendPings(topic, 150);
    Command.Result restored = stack.run(env, "ingest-locations", "--available-now");
    assertTrue(restored.out().contains("150 of them already in the lake, not written again"), restored::toString);
    assertEveryOffsetOnce(spark, stack, 450);

    // delete it: the new query starts after what bronze and quarantine hold, not at the earliest offset
    fs.delete(checkpoint, true);
    sendPings(topic, 150);
    Command.Result fresh = stack.run(env, "ingest-locations", "--available-now");
    assertTrue(fresh.out().contains("no checkpoint yet; the lake holds checkpoint.it up to offsets"), fresh::toString);
    assertTrue(fresh.out().contains("batch 0: 150 records"), fresh::toString);
    assertEveryOffsetOnce(spark, stack, 600);
  }

  /** {@code count} pings spread over the partitions, one in ten of them malformed (so quarantine counts too). */
  private void sendPings(TestTopic topic, int count) throws Exception {
    Instant time = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    for (int partition = 0; partition < PARTITIONS; partition++) {
      List<byte[][]> records = new ArrayList<>();
      for (int i = 0; i < count / PARTITIONS; i++) {
        int n = sent++;
        String value = n % 10 == 9 ? "{\"event_id\":\"cp-" + n + "\"" // cut short: NOT_JSON
            : "{\"event_id\":\"cp-" + n + "\",\"unit_id\":\"TER-001\",\"event_time\":\"" + time.plusSeconds(n)
                + "\",\"lat\":52.5,\"lon\":13.4}";
        records.add(new byte[][] {"TER-001".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)});
      }
      topic.send(partition, records);
    }
  }

  private static Dataset<Row> ingested(SparkSession spark) {
    return KafkaOffsets.inBronze(spark, ROOT);
  }

  private static void assertEveryOffsetOnce(SparkSession spark, TestStack stack, long expected) throws Exception {
    Map<Integer, Long> endOffsets = KafkaOffsets.endOffsets(stack.settings().kafka().bootstrapServers(), "checkpoint.it");
    assertEquals(expected, endOffsets.values().stream().mapToLong(Long::longValue).sum());
    Dataset<Row> coordinates = ingested(spark).cache();
    try {
      assertEquals(expected, coordinates.count(), "every record in bronze or quarantine");
      assertEquals(expected, coordinates.distinct().count(), "no record twice");
      assertEquals(0, coordinates.filter(KafkaOffsets.outside(endOffsets)).count(), "only offsets the topic has");
    } finally {
      coordinates.unpersist();
    }
  }
}
