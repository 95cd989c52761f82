package io.fleetlake.it;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.PollSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.Settings;
import io.fleetlake.sources.TablePoller;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * poll-sources against the real PostgreSQL of the test stack, in a schema of its own. The tests run in order:
 * each poll continues from the bronze the previous one left.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PollSourcesIT {
  private static final String ROOT = "s3a://fleet-lake/poll-it";
  private static TestStack stack;
  private static Settings settings;
  private static SparkSession spark;
  private static TablePoller poller;
  private static PolledTable units;
  private static PolledTable performance;
  private static PolledTable trips;

  @BeforeAll
  static void createSourceTables() throws Exception {
    stack = LocalStackExtension.stack();
    spark = TestSpark.session(stack.settings());
    // a third table of another shape, known only to this test's config: no code knows it
    Path conf = TestStack.projectDir().resolve("target/poll-it.conf");
    Files.writeString(conf, """
        fleetlake.poll.tables = [
          { schema = poll_it, table = transport_units, key = [unit_id], cursor = updated_at }
          { schema = poll_it, table = unit_performance, key = [unit_id, stat_date], cursor = updated_at, partition-by = [stat_date] }
          { schema = poll_it, table = trip_log, key = [unit_id, trip_no], cursor = modified, bronze-table = trips }
        ]
        """);
    List<Path> files = new ArrayList<>(List.of(TestStack.projectDir().resolve("conf/local.conf"),
        TestStack.overlayFile(), conf));
    settings = Settings.load(files, TestStack.SECRETS);
    PollSettings poll = settings.poll();
    units = poll.tables().get(0);
    performance = poll.tables().get(1);
    trips = poll.tables().get(2);
    poller = new TablePoller(spark, settings.postgres(), poll, new LakeSettings(ROOT));
    sql("DROP SCHEMA IF EXISTS poll_it CASCADE",
        "CREATE SCHEMA poll_it",
        "CREATE TABLE poll_it.transport_units (unit_id text PRIMARY KEY, name text NOT NULL, unit_type text NOT NULL, "
            + "company_id int, active boolean NOT NULL DEFAULT true, updated_at timestamptz NOT NULL)",
        "CREATE TABLE poll_it.unit_performance (unit_id text NOT NULL, stat_date date NOT NULL, distance_km numeric, "
            + "fuel_used_l numeric, updated_at timestamptz NOT NULL, PRIMARY KEY (unit_id, stat_date))",
        "CREATE TABLE poll_it.trip_log (unit_id text NOT NULL, trip_no int NOT NULL, destination text, "
            + "modified timestamptz NOT NULL, PRIMARY KEY (unit_id, trip_no))",
        "INSERT INTO poll_it.transport_units SELECT 'TER-' || lpad(i::text, 3, '0'), 'Truck ' || i, 'terrestrial', i % 3, true, "
            + "now() - interval '2 days' FROM generate_series(1, 10) i",
        "INSERT INTO poll_it.unit_performance SELECT 'TER-' || lpad(i::text, 3, '0'), DATE '2026-11-20' + d, 100 + i, 30 + i, "
            + "now() - interval '1 day' FROM generate_series(1, 10) i, generate_series(0, 1) d",
        "INSERT INTO poll_it.trip_log SELECT 'TER-001', n, 'Depot ' || n, now() - interval '3 hours' FROM generate_series(1, 4) n");
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Connection connect() throws SQLException {
    Properties properties = settings.postgres().connectionProperties();
    return DriverManager.getConnection(settings.postgres().jdbcUrl(), properties);
  }

  private static Dataset<Row> bronze(PolledTable table) {
    return spark.read().format("delta").load(ROOT + "/bronze/" + table.bronzeTable());
  }

  /** The source table as it is now, to compare with the latest version per key in bronze. */
  private static Dataset<Row> source(PolledTable table) {
    return spark.read().jdbc(settings.postgres().jdbcUrl(), table.qualifiedName(), settings.postgres().connectionProperties());
  }

  private static Dataset<Row> latestInBronze(PolledTable table, String... columns) {
    String key = String.join(", ", table.key());
    bronze(table).createOrReplaceTempView("bronze_versions");
    return spark.sql("SELECT " + String.join(", ", columns) + " FROM (SELECT *, row_number() OVER (PARTITION BY " + key
        + " ORDER BY " + table.cursor() + " DESC) AS n FROM bronze_versions) WHERE n = 1");
  }

  @Test
  @Order(1)
  void theFirstPollIsAFullSnapshot() {
    TablePoller.PollResult result = poller.poll(units);
    assertTrue(result.full());
    assertEquals(10, result.rowsRead());
    assertEquals(10, result.rowsAdded());
    assertTrue(result.line().startsWith("poll transport_units: 10 rows read (full snapshot), 10 new versions"), result.line());
    assertEquals(20, poller.poll(performance).rowsAdded());
    assertEquals(4, poller.poll(trips).rowsAdded());
    assertEquals(List.of("stat_date"), List.of(spark.sql("DESCRIBE DETAIL delta.`" + ROOT + "/bronze/unit_performance`")
        .first().<String>getList(spark.sql("DESCRIBE DETAIL delta.`" + ROOT + "/bronze/unit_performance`").first()
            .fieldIndex("partitionColumns")).toArray()));
  }

  @Test
  @Order(2)
  void updatesAndNewRowsAppearAfterTheNextPoll() throws Exception {
    sql("UPDATE poll_it.transport_units SET company_id = 9, updated_at = now() WHERE unit_id IN ('TER-001', 'TER-002', 'TER-003')",
        "INSERT INTO poll_it.unit_performance SELECT 'TER-' || lpad(i::text, 3, '0'), DATE '2026-11-22', 90, 25, now() "
            + "FROM generate_series(1, 5) i",
        "UPDATE poll_it.trip_log SET destination = 'Port', modified = now() WHERE trip_no = 2");
    TablePoller.PollResult result = poller.poll(units);
    assertEquals(3, result.rowsAdded());
    assertFalse(result.full(), result.line());
    assertEquals(5, poller.poll(performance).rowsAdded());
    assertEquals(1, poller.poll(trips).rowsAdded());
    assertEquals(13, bronze(units).count());
    assertSameRows(source(units).select("unit_id", "name", "company_id", "updated_at"),
        latestInBronze(units, "unit_id", "name", "company_id", "updated_at"));
    assertSameRows(source(trips).select("unit_id", "trip_no", "destination", "modified"),
        latestInBronze(trips, "unit_id", "trip_no", "destination", "modified"));
  }

  @Test
  @Order(3)
  void fivePollsWithNoChangeAddNothing() {
    long before = bronze(units).count() + bronze(performance).count();
    for (int i = 0; i < 5; i++) {
      TablePoller.PollResult result = poller.poll(units);
      System.out.println(result.line());
      assertEquals(0, result.rowsAdded(), result.line());
      assertEquals(0, poller.poll(performance).rowsAdded());
    }
    assertEquals(before, bronze(units).count() + bronze(performance).count());
  }

  @Test
  @Order(4)
  void aTransactionThatCommitsAfterAPollWithAnOlderCursorIsPickedUpByTheNext() throws Exception {
    try (Connection slow = connect(); Connection quick = connect(); Statement slowSql = slow.createStatement();
         Statement quickSql = quick.createStatement()) {
      slow.setAutoCommit(false);
      // now() is the transaction's start: this row's cursor is older than the quick one's
      slowSql.execute("UPDATE poll_it.transport_units SET name = 'Truck 4 (late)', updated_at = now() WHERE unit_id = 'TER-004'");
      // the quick transaction's cursor is later, and it commits first
      quickSql.execute("UPDATE poll_it.transport_units SET name = 'Truck 5 (quick)', "
          + "updated_at = now() + interval '1 second' WHERE unit_id = 'TER-005'");
      TablePoller.PollResult before = poller.poll(units);
      assertEquals(1, before.rowsAdded(), "only the committed row: " + before.line());
      slow.commit();
    }
    TablePoller.PollResult after = poller.poll(units);
    assertEquals(1, after.rowsAdded(), after.line());
    assertEquals(1, bronze(units).filter("name = 'Truck 4 (late)'").count());
    assertSameRows(source(units).select("unit_id", "name", "updated_at"), latestInBronze(units, "unit_id", "name", "updated_at"));
  }

  @Test
  @Order(5)
  void anOutageFailsClearlyAndTheNextPollCatchesUp() throws Exception {
    stack.servers().stop("postgres");
    try {
      TablePoller.PollFailedException e = assertThrows(TablePoller.PollFailedException.class, () -> poller.poll(units));
      assertTrue(e.getMessage().startsWith("poll transport_units failed: "), e.getMessage());
      assertTrue(e.getMessage().endsWith("(host 127.0.0.1:" + settings.postgres().port()
          + ", database fleet, table poll_it.transport_units)"), e.getMessage());
      assertFalse(e.getMessage().contains(TestStack.SECRETS.get("FLEETLAKE_POSTGRES_PASSWORD")));
    } finally {
      stack.servers().start("postgres");
    }
    sql("UPDATE poll_it.transport_units SET active = false, updated_at = now() WHERE unit_id = 'TER-010'",
        "INSERT INTO poll_it.transport_units VALUES ('TER-011', 'Truck 11', 'terrestrial', 1, true, now())");
    assertEquals(2, poller.poll(units).rowsAdded());
    assertSameRows(source(units).select("unit_id", "name", "company_id", "active", "updated_at"),
        latestInBronze(units, "unit_id", "name", "company_id", "active", "updated_at"));
    assertEquals(bronze(units).count(), bronze(units).select("unit_id", "updated_at").distinct().count(), "no version twice");
  }

  @Test
  @Order(7)
  void theJobsPollThenBuildTheDimension() throws Exception {
    Map<String, String> env = new HashMap<>(TestStack.SECRETS);
    env.put("FLEETLAKE_LAKE_ROOT", ROOT);
    List<String> config = List.of("--config", "conf/local.conf", "--config", TestStack.overlayFile().toString(),
        "--config", "target/poll-it.conf");
    sql("UPDATE poll_it.transport_units SET company_id = 7, updated_at = now() WHERE unit_id = 'TER-006'");
    // the jobs as sessions of this JVM's Spark application; the refusal below in a process of its own, whose
    // every line (logs included) must not hold the password
    Command.Result poll = TestStack.runInJvm(settings, env, with("poll-sources", "--available-now", config));
    assertEquals(0, poll.exitCode(), poll::toString);
    assertTrue(poll.out().contains("poll transport_units: "), poll::toString);
    assertTrue(poll.out().contains(" 1 new versions → bronze/transport_units"), poll::toString);
    // a comparison for deletes reads every key and bronze's history: an hourly step makes one per reconcile-interval
    assertFalse(poll.out().contains("deletes:"), poll::toString);
    List<String> reconcileNow = new ArrayList<>(with("poll-sources", "--available-now", config));
    reconcileNow.add("--reconcile");
    Command.Result reconciled = TestStack.runInJvm(settings, env, reconcileNow);
    assertEquals(0, reconciled.exitCode(), reconciled::toString);
    assertTrue(reconciled.out().contains("deletes: 11 keys compared, 0 gone"), reconciled::toString);

    Command.Result silver = TestStack.runInJvm(settings, env, with("silver-dimensions", "--available-now", config));
    assertEquals(0, silver.exitCode(), silver::toString);
    Dataset<Row> dimension = spark.read().format("delta").load(ROOT + "/silver/dim_transport_units");
    assertEquals(11, dimension.filter("is_current").count());
    assertEquals(List.of(2L, 2L, 2L, 2L), List.of("TER-001", "TER-004", "TER-006", "TER-010").stream()
        .map(u -> dimension.filter("unit_id = '" + u + "'").count()).toList());
    assertSameRows(source(units).select("unit_id", "name", "company_id", "active"),
        dimension.filter("is_current").select("unit_id", "name", "company_id", "active"));
    assertEquals(25, spark.read().format("delta").load(ROOT + "/silver/unit_performance").count());

    env.put("FLEETLAKE_POSTGRES_PASSWORD", "wrong-password-9");
    Command.Result refused = Command.sparkSubmit(env, with("poll-sources", "--available-now", config));
    assertEquals(1, refused.exitCode(), refused::toString);
    assertTrue(refused.out().contains("poll transport_units failed: FATAL: password authentication failed for user \"fleet\" "
        + "(host 127.0.0.1:" + settings.postgres().port() + ", database fleet, table poll_it.transport_units)"), refused::toString);
    assertFalse(refused.all().contains("wrong-password-9"));
  }

  private static List<String> with(String job, String option, List<String> config) {
    List<String> args = new ArrayList<>(List.of(job, option));
    args.addAll(config);
    return args;
  }

  @Test
  @Order(6)
  void everyVersionIsThereOnce() {
    Map<String, Long> versions = new HashMap<>();
    for (Row row : bronze(units).groupBy("unit_id").count().collectAsList()) {
      versions.put(row.getString(0), row.getLong(1));
    }
    assertEquals(2L, versions.get("TER-001"));
    assertEquals(2L, versions.get("TER-004"));
    assertEquals(1L, versions.get("TER-011"));
    assertEquals(2L, versions.get("TER-010"));
    assertEquals(1L, versions.get("TER-006"));
  }
}
