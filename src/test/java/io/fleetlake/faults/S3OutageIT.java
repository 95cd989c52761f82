package io.fleetlake.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.KafkaOffsets;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The S3 server stopped while ingest-locations streams a live fleet, then started again: the job waits and
 * says why (its stall notice names S3 as unreachable), goes on by itself once S3 answers, and afterwards every
 * Kafka offset is in bronze or quarantine exactly once.
 */
@ExtendWith(LocalStackExtension.class)
class S3OutageIT {
  private static final String ROOT = "s3a://fleet-lake/s3-outage-it";
  private static final String TOPIC = "s3.outage.it";

  @Test
  void theS3ServerStoppedMidStreamIsWaitedForSaidAndNothingIsLost() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv(TOPIC, ROOT);
    env.put("FLEETLAKE_STREAMING_TRIGGER_INTERVAL", "1 second");
    env.put("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER", "300");
    env.put("FLEETLAKE_STREAMING_STALL_NOTICE_AFTER", "5 seconds");
    Path logs = TestStack.projectDir().resolve("target/s3-outage-it");
    Path ingestLog = logs.resolve("ingest.log");
    Files.deleteIfExists(ingestLog);

    Process simulator = Command.startSparkSubmit(env, stack.jobArguments("simulate", "--units", "20", "--days", "1",
        "--malformed", "1", "--manifest", logs.resolve("manifest.json").toString(),
        "--follow", "--speedup", "1800", "--follow-minutes", "4"), logs.resolve("simulate.log"));
    Process ingest = null;
    long beforeOutage;
    try {
      Process streaming = Command.startSparkSubmit(env, stack.jobArguments("ingest-locations"), ingestLog);
      ingest = streaming;
      // S3 goes once the stream's rows are in the lake (its first batch committing or done): on a loaded machine
      // the first two batches of 300 records took 106 s, and the three that 600 rows needed did not come in 3 minutes
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> ingested(spark) > 0);
      beforeOutage = ingested(spark);
      long slowBefore = count(log(ingestLog), "ingest-locations: the slow micro-batch went on after");
      stack.servers().stop("s3");
      try {
        // the outage lasts until the job has said twice what it waits for
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
            .until(() -> !streaming.isAlive() || log(ingestLog).split("FAIL  s3", -1).length > 2);
      } finally {
        stack.servers().start("s3");
      }
      long batchesAtRestart = count(log(ingestLog), "\nbatch ");
      assertTrue(streaming.isAlive(), "ingest waited for S3 instead of failing: " + ingestLog);
      assertTrue(log(ingestLog).contains("ingest-locations: micro-batch "), ingestLog::toString);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> count(log(ingestLog), "ingest-locations: the slow micro-batch went on after") > slowBefore);
      // and goes on: the batch the outage held up ends, and one planned after S3 came back
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .until(() -> count(log(ingestLog), "\nbatch ") >= batchesAtRestart + 2);
      assertTrue(streaming.isAlive(), "ingest still streams after the outage: " + ingestLog);
    } finally {
      Command.stop(simulator, 60);
      Command.stop(ingest, 60); // SIGTERM: the graceful stop
    }
    // the rest at once: at 300 a batch, the thousands the simulator produced meanwhile took over 5 minutes on a
    // loaded machine; what is checked below does not depend on the batches' size
    Map<String, String> drain = new HashMap<>(env);
    drain.remove("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER");
    stack.submit(drain, "ingest-locations", "--available-now");

    Map<Integer, Long> endOffsets = KafkaOffsets.endOffsets(stack.settings().kafka().bootstrapServers(), TOPIC);
    long produced = endOffsets.values().stream().mapToLong(Long::longValue).sum();
    Dataset<Row> coordinates = KafkaOffsets.inBronze(spark, ROOT).cache();
    System.out.printf("s3 outage: %d rows before it, %d records produced; %s%n", beforeOutage, produced,
        log(ingestLog).lines().filter(l -> l.contains("micro-batch") || l.contains("FAIL")).findFirst().orElse(""));
    assertEquals(produced, coordinates.count(), "every record once: none missing, none twice");
    assertEquals(produced, coordinates.distinct().count());
    assertEquals(0, coordinates.filter(KafkaOffsets.outside(endOffsets)).count(), "only offsets the topic has");
  }

  private static String log(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static long count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  private static long ingested(SparkSession spark) {
    try {
      return KafkaOffsets.inBronze(spark, ROOT).count();
    } catch (Exception notWrittenYet) {
      return 0;
    }
  }
}
