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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
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

  /**
   * A heartbeat that rewrites the lease while another job reads it (erase asking run-all to carry out a
   * request): S3A's GET finds a new ETag and throws RemoteFileChangedException; the reader reads again.
   */
  @Test
  void aLeaseRewrittenWhileItIsReadIsReadAgain() throws Exception {
    SparkSession spark = TestSpark.session(LocalStackExtension.stack().settings());
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String root = ROOT + "-rewritten";
    try (TableLease lease = TableLease.acquire(hadoop, root, List.of("silver/locations"), "silver-locations",
        Duration.ofMinutes(2), Clock.systemUTC())) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(root + "/silver/locations/" + TableLease.FILE_NAME);
      FileSystem fs = path.getFileSystem(hadoop);
      byte[] body;
      try (FSDataInputStream in = fs.open(path)) {
        body = in.readAllBytes();
      }
      AtomicInteger rewrites = new AtomicInteger();
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      AtomicBoolean reading = new AtomicBoolean(true);
      List<Thread> heartbeats = new ArrayList<>();
      for (int i = 0; i < 3; i++) { // several, so that a rewrite lands inside many reads' HEAD-to-GET window
        heartbeats.add(new Thread(() -> {
          try {
            while (reading.get()) {
              try (FSDataOutputStream out = fs.create(path, true)) {
                out.write(body);
                // a real heartbeat changes the time, and so the object's ETag; identical bytes would keep it
                out.write(" ".repeat(rewrites.incrementAndGet() % 7).getBytes(StandardCharsets.UTF_8));
              }
            }
          } catch (Throwable e) {
            writerFailed.compareAndSet(null, e);
          }
        }, "rewrites-the-lease-" + i));
      }
      heartbeats.forEach(Thread::start);
      try {
        for (int read = 0; read < 500; read++) {
          assertEquals("silver-locations",
              TableLease.holder(hadoop, root, "silver/locations", Clock.systemUTC()).orElseThrow().job());
        }
      } finally {
        reading.set(false);
        for (Thread heartbeat : heartbeats) {
          heartbeat.join(30_000);
        }
      }
      assertEquals(null, writerFailed.get(), "the rewriting thread failed");
      assertTrue(rewrites.get() > 100, "the lease was rewritten during the reads: " + rewrites.get());
    }
  }
}
