package io.fleetlake.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.KafkaOffsets;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ingest-locations as its own process while the simulator keeps producing; killed with SIGKILL three times
 * mid-stream and restarted. Afterwards every Kafka offset of the topic is in bronze or quarantine exactly once.
 */
@ExtendWith(LocalStackExtension.class)
class IngestCrashIT {
  private static final String ROOT = "s3a://fleet-lake/crash-it";
  private static final String TOPIC = "crash.it";

  @Test
  void killedThreeTimesMidStreamNothingLostNothingTwice() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv(TOPIC, ROOT);
    env.put("FLEETLAKE_STREAMING_TRIGGER_INTERVAL", "1 second");
    env.put("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER", "1000");
    Path logs = TestStack.projectDir().resolve("target/crash-it");

    Process simulator = Command.startSparkSubmit(env, stack.jobArguments("simulate", "--units", "30", "--days", "1",
        "--malformed", "2", "--duplicates", "1", "--manifest", logs.resolve("manifest.json").toString(),
        "--follow", "--speedup", "1800", "--follow-minutes", "4"), logs.resolve("simulate.log"));
    List<Long> killedAt = new ArrayList<>();
    Process ingest = null;
    try {
      long seen = 0;
      for (int kill = 1; kill <= 3; kill++) {
        ingest = Command.startSparkSubmit(env, stack.jobArguments("ingest-locations"), logs.resolve("ingest-" + kill + ".log"));
        long target = seen + 500;
        // a restart first waits out the killed driver's table leases (2 minutes), then plans its first batch
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
            .until(() -> ingested(spark) >= target);
        ingest.destroyForcibly(); // SIGKILL: no shutdown hook, no clean stop
        ingest.waitFor(30, TimeUnit.SECONDS);
        seen = ingested(spark);
        killedAt.add(seen);
      }
    } finally {
      Command.stop(ingest, 60); // a failed wait must not leave a stream running beside the next test
      Command.stop(simulator, 60);
    }
    Command.Result drain = Command.sparkSubmit(env, stack.jobArguments("ingest-locations", "--available-now"));
    assertEquals(0, drain.exitCode(), drain::toString);

    Map<Integer, Long> endOffsets = KafkaOffsets.endOffsets(stack.settings().kafka().bootstrapServers(), TOPIC);
    long produced = endOffsets.values().stream().mapToLong(Long::longValue).sum();
    System.out.println("crash test: killed at " + killedAt + " ingested rows; " + produced + " records in " + endOffsets);
    assertTrue(produced > killedAt.get(2), "records kept arriving after the last kill");

    Dataset<Row> coordinates = KafkaOffsets.inBronze(spark, ROOT).cache();
    assertEquals(produced, coordinates.count(), "every record once: none missing, none twice");
    assertEquals(produced, coordinates.distinct().count());
    assertEquals(0, coordinates.filter(KafkaOffsets.outside(endOffsets)).count(), "only offsets the topic has");
  }

  private static long ingested(SparkSession spark) {
    try {
      return KafkaOffsets.inBronze(spark, ROOT).count();
    } catch (Exception notWrittenYet) {
      return 0;
    }
  }
}
