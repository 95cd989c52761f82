package io.fleetlake.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.lake.TableLease;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.TestTopic;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One writer per table: while ingest-locations streams, a second ingest-locations on the same lake refuses to
 * start and names the first; once the first is killed (SIGKILL: its lease is left behind), a new one starts.
 */
@ExtendWith(LocalStackExtension.class)
class WriterLeaseIT {
  private static final String ROOT = "s3a://fleet-lake/lease-it";

  @Test
  void aSecondWriterRefusesNamingTheFirstAndStartsOnceItDied() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    TestTopic.create(stack.settings().kafka().bootstrapServers(), "lease.it", 1);
    Map<String, String> env = TestStack.isolatedEnv("lease.it", ROOT);
    Path log = TestStack.projectDir().resolve("target/lease-it/holder.log");

    Process holder = Command.startSparkSubmit(env, stack.jobArguments("ingest-locations"), log);
    try {
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .until(() -> TableLease.holder(hadoop, ROOT, "bronze/locations", Clock.systemUTC()).isPresent());
      TableLease.Holder first = TableLease.holder(hadoop, ROOT, "bronze/locations", Clock.systemUTC()).orElseThrow();
      assertEquals(holder.pid(), first.pid(), "the lease names the streaming driver");

      Command.Result second = Command.sparkSubmit(env, stack.jobArguments("ingest-locations", "--available-now"));
      assertEquals(1, second.exitCode(), second::toString);
      assertTrue(second.err().contains("fleetlake ingest-locations: bronze/locations is written by ingest-locations on host "
          + first.host() + " (pid " + holder.pid() + ") since " + first.started()
          + "; stop it first or wait 2 min after it died"), second::toString);
    } finally {
      holder.destroyForcibly(); // SIGKILL: the lease stays behind, unreleased
      holder.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(TableLease.holder(hadoop, ROOT, "bronze/locations", Clock.systemUTC()).isPresent(),
        "a killed driver leaves its lease");
    // the dead driver ran on this host: its lease is taken at once, not after lake.lease-ttl
    Command.Result after = stack.submit(env, "ingest-locations", "--available-now");
    assertTrue(TableLease.holder(hadoop, ROOT, "bronze/locations", Clock.systemUTC()).isEmpty(),
        "a writer that ends releases its lease: " + after);
  }
}
