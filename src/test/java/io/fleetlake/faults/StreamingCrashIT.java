package io.fleetlake.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.testing.Command;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * poll-sources, silver-dimensions, silver-locations and gold, each as its own process, killed with SIGKILL
 * right after the first commit of a micro-batch that makes several (a poll writes two bronze tables,
 * silver-dimensions two silver tables, silver-locations inserts then corrects neighbours, gold MERGEs three
 * tables), then restarted and drained (as sessions of the test's JVM: what matters is the state the kills
 * left, not the process that reads it). Afterwards silver holds every ping of bronze once, its previous-ping
 * columns are right, and gold equals silver recomputed. (ingest-locations: {@link IngestCrashIT}.)
 */
@ExtendWith(LocalStackExtension.class)
class StreamingCrashIT {
  private static final String ROOT = "s3a://fleet-lake/streaming-crash-it";
  private static final String TOPIC = "streaming.crash.it";

  @Test
  void everyDownstreamJobKilledMidBatchThenRestartedLosesNothingAndDoublesNothing() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv(TOPIC, ROOT);
    env.put("FLEETLAKE_STREAMING_TRIGGER_INTERVAL", "1 second");
    env.put("FLEETLAKE_STREAMING_TABLE_CHECK_INTERVAL", "1 second");
    env.put("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER", "400");
    env.put("FLEETLAKE_STREAMING_SILVER_MAX_FILES_PER_TRIGGER", "1");
    Path logs = TestStack.projectDir().resolve("target/streaming-crash-it");

    stack.run(env, "simulate", "--units", "20", "--days", "2", "--late", "2", "--duplicates", "1",
        "--manifest", logs.resolve("manifest.json").toString());
    stack.run(env, "ingest-locations", "--available-now");

    // each drain re-runs the batch its kill left planned, then the rest in batches of 4 bronze files: still more
    // than one batch after a restart (late pings and previous pings across batches), not one per file (a minute)
    Map<String, String> drain = new HashMap<>(env);
    drain.remove("FLEETLAKE_INGEST_MAX_OFFSETS_PER_TRIGGER");
    drain.put("FLEETLAKE_STREAMING_SILVER_MAX_FILES_PER_TRIGGER", "4");

    List<String> kills = new ArrayList<>();
    kills.add(killAfterCommits(stack, env, logs, "poll-sources", "bronze/transport_units", 1));
    stack.run(drain, "poll-sources", "--available-now");
    kills.add(killAfterCommits(stack, env, logs, "silver-dimensions", "silver/dim_transport_units", 1));
    stack.run(drain, "silver-dimensions", "--available-now");
    // one bronze file per silver micro-batch: killed in the third batch, then again two commits later
    kills.add(killAfterCommits(stack, env, logs, "silver-locations", "silver/locations_enriched", 3));
    kills.add(killAfterCommits(stack, env, logs, "silver-locations", "silver/locations_enriched", 2));
    stack.run(drain, "silver-locations", "--available-now");
    kills.add(killAfterCommits(stack, env, logs, "gold", "gold/unit_activity_hourly", 1));
    stack.run(drain, "gold", "--available-now");
    System.out.println("streaming crash test: " + kills);

    Dataset<Row> bronze = delta(spark, "bronze/locations");
    Dataset<Row> silver = delta(spark, "silver/locations_enriched");
    long pings = bronze.select("event_id").distinct().count();
    assertEquals(pings, silver.count(), "every ping of bronze in silver, none twice");
    assertEquals(pings, silver.select("event_id").distinct().count());
    silver.createOrReplaceTempView("crash_silver");
    assertEquals(0, spark.sql("""
        SELECT * FROM (SELECT event_id, prev_event_time,
                              lag(event_time) OVER (PARTITION BY unit_id ORDER BY event_time, event_id) AS expected
                       FROM crash_silver)
        WHERE NOT (prev_event_time <=> expected)""").count(), "each ping's previous ping is its unit's previous ping");

    Dataset<Row> units = delta(spark, "bronze/transport_units");
    assertEquals(units.count(), units.select("unit_id", "updated_at").distinct().count(), "no unit version twice in bronze");
    Dataset<Row> days = delta(spark, "bronze/unit_performance");
    assertEquals(days.count(), days.select("unit_id", "stat_date", "updated_at").distinct().count());
    Dataset<Row> dimension = delta(spark, "silver/dim_transport_units");
    assertEquals(dimension.count(), dimension.select("unit_id", "valid_from").distinct().count(), "no unit version twice");
    assertEquals(units.select("unit_id").distinct().count(), dimension.filter("valid_to IS NULL").count(),
        "one current version per unit");
    Dataset<Row> performance = delta(spark, "silver/unit_performance");
    assertEquals(days.select("unit_id", "stat_date").distinct().count(), performance.count(), "one row per unit and day");

    double p90Error = GoldExpectations.assertGoldMatchesSilver(spark, ROOT);
    System.out.printf("gold equals silver recomputed after the kills; p90 worst relative error %.5f%n", p90Error);
  }

  /**
   * Starts the job until stopped; once {@code table} has {@code commits} more commits than it had, kills it
   * with SIGKILL (no shutdown hook, no clean stop) and says where it stood.
   */
  private static String killAfterCommits(TestStack stack, Map<String, String> env, Path logs, String job, String table,
                                         int commits) throws Exception {
    SparkSession spark = TestSpark.session(stack.settings());
    String path = ROOT + "/" + table;
    long before = version(spark, path);
    Process process = Command.startSparkSubmit(env, stack.jobArguments(job), logs.resolve(job + "-" + before + ".log"));
    try {
      // a bound, not a goal: beside SecretsIT's every job at DEBUG, a silver-locations batch of 400 pings in a
      // cold JVM took over a minute, and three batches did not fit in 3 minutes
      await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(200))
          .until(() -> version(spark, path) >= before + commits || !process.isAlive());
      assertTrue(process.isAlive(), job + " ended by itself before it was killed: see " + logs);
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    return job + " killed at " + table + " version " + version(spark, path) + " (was " + before + ")";
  }

  /** The table's latest version from its _delta_log listing: Delta's cached log would not see another process's commits. */
  private static long version(SparkSession spark, String path) throws java.io.IOException {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path + "/_delta_log");
    org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(log)) {
      return -1;
    }
    long latest = -1;
    for (org.apache.hadoop.fs.FileStatus file : fs.listStatus(log)) {
      String name = file.getPath().getName();
      if (name.matches("\\d{20}\\.json")) {
        latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
      }
    }
    return latest;
  }

  private static Dataset<Row> delta(SparkSession spark, String table) {
    return spark.read().format("delta").load(ROOT + "/" + table);
  }
}
