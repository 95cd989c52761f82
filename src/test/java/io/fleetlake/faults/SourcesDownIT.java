package io.fleetlake.faults;

import static org.awaitility.Awaitility.await;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fleetlake.local.LocalStack;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.GoldExpectations;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import io.fleetlake.testing.TestTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * run-all against sources that are not there, then not answering:
 * <ol>
 *   <li>it starts with Postgres stopped and the topic empty: the poll reports its failure, the stages whose tables
 *       do not exist yet wait, and each starts once its tables appear (Postgres started, a fleet produced);</li>
 *   <li>Postgres frozen (SIGSTOP on the postmaster and every backend: sockets open, nothing answered, not even a
 *       cancel): the poll fails on its socket timeout instead of hanging, ingest keeps committing meanwhile, and
 *       the poll succeeds again once Postgres is thawed (SIGCONT);</li>
 *   <li>Postgres changed under the running streams: a column added (bronze's schema changes under
 *       silver-dimensions' stream, which run-all starts again) and a unit deleted: the column is in bronze, the
 *       unit's version is closed, its performance day gone from silver and from gold's features;</li>
 *   <li>a unit erased while run-all streams, then ingest's checkpoint lost: the unit's rows are gone from every
 *       table, none read again, and gold equals silver recomputed.</li>
 * </ol>
 */
@ExtendWith(LocalStackExtension.class)
class SourcesDownIT {
  private static final String ROOT = "s3a://fleet-lake/sources-down-it";
  private static final String TOPIC = "sources.down.it";

  @Test
  void runAllStartsWithoutItsSourcesAndOutlivesAFrozenDatabase() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Map<String, String> env = TestStack.isolatedEnv(TOPIC, ROOT);
    env.put("FLEETLAKE_STREAMING_TRIGGER_INTERVAL", "2 seconds");
    env.put("FLEETLAKE_STREAMING_TABLE_CHECK_INTERVAL", "2 seconds");
    env.put("FLEETLAKE_STREAMING_POLL_INTERVAL", "10 seconds");
    env.put("FLEETLAKE_POSTGRES_CONNECT_TIMEOUT", "3 seconds");
    env.put("FLEETLAKE_POSTGRES_SOCKET_TIMEOUT", "5 seconds");
    env.put("FLEETLAKE_MAINTAIN_EVERY", "off");
    env.put("FLEETLAKE_POLL_RECONCILE_INTERVAL", "15 seconds");
    Path logs = TestStack.projectDir().resolve("target/sources-down-it");
    Files.createDirectories(logs);
    Path log = logs.resolve("run-all.log");
    Files.deleteIfExists(log);
    Files.deleteIfExists(logs.resolve("simulate.log"));
    TestTopic.create(stack.settings().kafka().bootstrapServers(), TOPIC, 3);

    stack.servers().stop("postgres");
    Process pipeline = null;
    Process simulator = null;
    try {
      pipeline = Command.startSparkSubmit(env, stack.jobArguments("run-all"), log);
      awaitInLog(log, Duration.ofMinutes(4), "run-all running", now -> now.contains("queries running until stopped"));
    } catch (Throwable e) {
      Command.stop(pipeline, 60); // a run-all that never said it runs must not stream on beside the next test
      throw e;
    } finally {
      stack.servers().start("postgres");
    }
    List<Long> frozen = new ArrayList<>();
    String erased;
    try {
      String started = Files.readString(log);
      assertTrue(started.contains("run-all: poll-sources could not catch up: "), started);
      // ingest's first (empty) micro-batch creates bronze/locations: silver-locations need not wait
      for (String waiting : List.of("silver-dimensions waits for bronze/transport_units",
          "gold waits for silver/locations_enriched")) {
        assertTrue(started.contains("run-all: " + waiting), started);
      }
      simulator = Command.startSparkSubmit(env, stack.jobArguments("simulate", "--units", "10", "--days", "1",
          "--follow", "--speedup", "120", "--follow-minutes", "15"), logs.resolve("simulate.log"));
      // generous: on a loaded machine the simulator's own spark-submit takes a minute before its first write.
      // At 120× the followed pings stay within ingest.max-future (a day ahead) for the whole test: at 900× they
      // passed it within minutes and went to quarantine, and bronze would stop growing.
      awaitInLog(log, Duration.ofMinutes(8), "silver-dimensions and gold started, a gold batch", now ->
          Stream.of("silver-dimensions", "gold")
              .allMatch(job -> now.contains("run-all: the tables of " + job + " exist now: started"))
              && now.contains("gold: batch"));

      long bronzeBefore = bronzeRows(spark);
      frozen.addAll(postgresProcesses(stack.servers()));
      long beforeFreeze = Files.readAllLines(log).size();
      signal("STOP", frozen);
      try {
        // the failures while Postgres was stopped at the start do not count: only one after the freeze
        awaitInLog(log, Duration.ofMinutes(2), "a poll failing on the frozen database", now -> now.lines()
            .skip(beforeFreeze).anyMatch(l -> l.startsWith("poll ") && l.contains(" failed: ")));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
            .until(() -> bronzeRows(spark) > bronzeBefore);
      } finally {
        signal("CONT", frozen);
      }
      int failedAt = lastIndexOf(Files.readAllLines(log), " failed: ");
      awaitInLog(log, Duration.ofMinutes(2), "a poll succeeding after the thaw", now -> now.lines().skip(failedAt + 1)
          .anyMatch(l -> l.startsWith("poll transport_units: ") && l.contains("rows read")));

      // Postgres changes under the running streams: a column added to transport_units (bronze's schema changes
      // under silver-dimensions' stream), a unit deleted with its performance rows
      List<String> units = new ArrayList<>();
      int changedAt = Files.readAllLines(log).size();
      try (Connection db = DriverManager.getConnection(stack.settings().postgres().jdbcUrl(),
          stack.settings().postgres().connectionProperties()); Statement sql = db.createStatement()) {
        try (ResultSet r = sql.executeQuery("SELECT min(unit_id), max(unit_id) FROM transport_units")) {
          r.next();
          units.add(r.getString(1));
          units.add(r.getString(2));
        }
        // first its performance in gold: the deletion below must take it out (gold's performance query runs)
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
          try {
            return spark.read().format("delta").load(ROOT + "/gold/resource_usage_features")
                .filter(col("unit_id").equalTo(units.get(1)).and(col("fuel_used_l").isNotNull())).count() > 0;
          } catch (Exception notYet) {
            return false;
          }
        });
        sql.execute("ALTER TABLE transport_units ADD COLUMN colour text");
        try (PreparedStatement colour = db.prepareStatement(
            "UPDATE transport_units SET colour = 'red', updated_at = now() WHERE unit_id = ?")) {
          colour.setString(1, units.get(0));
          colour.execute();
        }
        for (String table : List.of("unit_performance", "transport_units")) {
          try (PreparedStatement delete = db.prepareStatement("DELETE FROM " + table + " WHERE unit_id = ?")) {
            delete.setString(1, units.get(1));
            assertTrue(delete.executeUpdate() > 0, table);
          }
        }
      }
      awaitInLog(log, Duration.ofMinutes(3), "the new column in bronze and the deletes found", now -> {
        List<String> since = now.lines().skip(changedAt).toList();
        return since.contains("poll transport_units: new column colour (string) → added to bronze/transport_units")
            && since.stream().anyMatch(l -> l.startsWith("poll transport_units: ") && l.contains(", 1 gone"))
            && since.stream().anyMatch(l -> l.startsWith("poll unit_performance: ") && l.contains(", 1 gone"));
      });
      assertEquals(1, spark.read().format("delta").load(ROOT + "/bronze/transport_units")
          .filter(col("unit_id").equalTo(units.get(0)).and(col("colour").equalTo("red"))).count());
      try {
        awaitDeletionDownstream(spark, units.get(1));
      } catch (ConditionTimeoutException e) {
        fail("the deleted unit " + units.get(1) + " downstream: dimension " + rows(spark, "silver/dim_transport_units",
            units.get(1)) + "; silver performance " + rows(spark, "silver/unit_performance", units.get(1))
            + "; gold features " + rows(spark, "gold/resource_usage_features", units.get(1)) + "\nrun-all's log ends with:\n"
            + tail(log, 60));
      }
      assertTrue(pipeline.isAlive(), "run-all kept running through it all");

      // a unit erased while run-all streams: run-all owns the tables and carries the request out between its
      // batches. The simulator stops first: a ping produced after the request is the unit's new data, not erased
      simulator.destroy();
      simulator.waitFor(60, TimeUnit.SECONDS);
      erased = spark.read().format("delta").load(ROOT + "/silver/locations_enriched").select("unit_id").distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList().stream().filter(u -> !units.contains(u))
          .sorted().findFirst().orElseThrow();
      Command.Result erase = stack.run(env, "erase", "--unit", erased);
      assertTrue(erase.out().contains("run-all on host ") && erase.out().contains("erase unit " + erased
          + ", all rows: bronze/locations "), erase::toString);
      assertTrue(pipeline.isAlive(), "run-all kept running after the erasure");
    } finally {
      Command.stop(simulator, 60);
      Command.stop(pipeline, 60); // SIGTERM: run-all stops its queries
    }
    String streamed = Files.readString(log);
    assertFalse(streamed.contains("run-all: a query failed"), streamed);
    System.out.println("sources down: " + streamed.lines()
        .filter(l -> l.startsWith("poll ") || l.startsWith("run-all: ")).toList());

    // ingest with its checkpoint lost reads the topic again and adds nothing, the erased unit's records neither;
    // once every stage caught up, the unit is nowhere and gold equals silver recomputed
    org.apache.hadoop.fs.Path ingestCheckpoint = new org.apache.hadoop.fs.Path(ROOT + "/_checkpoints/ingest-locations");
    ingestCheckpoint.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(ingestCheckpoint, true);
    stack.run(env, "run-all", "--available-now");
    for (String table : List.of("bronze/locations", "bronze/transport_units", "bronze/unit_performance",
        "silver/dim_transport_units", "silver/unit_performance", "silver/locations_enriched",
        "gold/unit_activity_hourly", "gold/resource_usage_features")) {
      assertEquals(0, spark.read().format("delta").load(ROOT + "/" + table).filter(col("unit_id").equalTo(erased))
          .count(), erased + " is gone from " + table);
    }
    GoldExpectations.assertGoldMatchesSilver(spark, ROOT);
  }

  private static void awaitDeletionDownstream(SparkSession spark, String unit) {
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      Dataset<Row> dimension = spark.read().format("delta").load(ROOT + "/silver/dim_transport_units")
          .filter(col("unit_id").equalTo(unit));
      Dataset<Row> features = spark.read().format("delta").load(ROOT + "/gold/resource_usage_features")
          .filter(col("unit_id").equalTo(unit));
      // gold recomputed the unit's days without their deleted performance rows: a day with pings keeps them,
      // one without leaves the table
      return dimension.count() > 0 && dimension.filter("is_current").count() == 0
          && spark.read().format("delta").load(ROOT + "/silver/unit_performance")
              .filter(col("unit_id").equalTo(unit)).count() == 0
          && features.filter(col("fuel_used_l").isNotNull()).count() == 0;
    });
  }

  private static List<String> rows(SparkSession spark, String table, String unit) {
    try {
      return spark.read().format("delta").load(ROOT + "/" + table).filter(col("unit_id").equalTo(unit))
          .toJSON().collectAsList();
    } catch (Exception e) {
      return List.of(String.valueOf(e.getMessage()));
    }
  }

  /** Waits for the log to show something; if it never does, the failure carries the log's tail. */
  private static void awaitInLog(Path log, Duration atMost, String what, Predicate<String> shows) throws IOException {
    try {
      await().atMost(atMost).pollInterval(Duration.ofSeconds(2)).until(() -> shows.test(Files.readString(log)));
    } catch (ConditionTimeoutException e) {
      fail("not within " + atMost + ": " + what + "; run-all's log ends with:\n" + tail(log, 80)
          + "\nthe simulator's log ends with:\n" + tail(log.resolveSibling("simulate.log"), 20));
    }
  }

  private static String tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return "(no " + file.getFileName() + ")";
    }
    List<String> all = Files.readAllLines(file);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private static long bronzeRows(SparkSession spark) {
    try {
      return spark.read().format("delta").load(ROOT + "/bronze/locations").count();
    } catch (Exception notYet) {
      return 0;
    }
  }

  /** The postmaster and its children: SIGSTOP on the postmaster alone freezes no running query. */
  private static List<Long> postgresProcesses(LocalStack servers) {
    long postmaster = servers.status().stream().filter(s -> s.name().equals("postgres")).findFirst()
        .flatMap(LocalStack.ServerStatus::pid).orElseThrow();
    ProcessHandle root = ProcessHandle.of(postmaster).orElseThrow();
    return Stream.concat(Stream.of(root), root.descendants()).map(ProcessHandle::pid).toList();
  }

  private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> command.add(Long.toString(p)));
    new ProcessBuilder(command).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }

  private static int lastIndexOf(List<String> lines, String text) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
