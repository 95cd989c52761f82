package io.fleetlake.it;

import static io.fleetlake.testing.DataFrames.assertSameRows;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.PollSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.Settings;
import io.fleetlake.silver.UnitDimension;
import io.fleetlake.sources.PollLag;
import io.fleetlake.sources.TablePoller;
import io.fleetlake.sources.TablePoller.PollResult;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * What a cursor-time poll misses, against the real PostgreSQL of the test stack: a transaction longer than the
 * overlap (with a subtransaction in it), a future-dated row, NULL cursors, local times across the autumn DST
 * change, deletes, columns added, dropped and retyped, a full read while a writer moves money between rows, and
 * the original challenge's tables polled by configuration alone (one with a local-time key), a partitioned bronze
 * table's idle polls. In order: each poll continues from the bronze
 * the previous left.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PollMissesNothingIT {
  private static final String ROOT = "s3a://fleet-lake/poll-misses-nothing-it";
  private static final int ACCOUNTS = 20_000;
  private static Settings settings;
  private static SparkSession spark;
  private static TablePoller poller;
  private static PolledTable units;
  private static PolledTable description;
  private static PolledTable performance;
  private static PolledTable local;
  private static PolledTable ledger;

  @BeforeAll
  static void createSourceTables() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    spark = TestSpark.session(stack.settings());
    Path conf = TestStack.projectDir().resolve("target/poll-misses-nothing-it.conf");
    // the challenge's own tables, keyed by (t_unit_id, created_at): configuration, no code
    Files.writeString(conf, """
        fleetlake.poll {
          tables = [
            { schema = poll_sync, table = transport_units, key = [unit_id], cursor = updated_at }
            { schema = poll_sync, table = unit_description, key = [t_unit_id, created_at], cursor = created_at }
            { schema = poll_sync, table = performance, key = [t_unit_id, created_at], cursor = created_at }
            { schema = poll_sync, table = local_clock, key = [id], cursor = updated_at, partition-by = [id] }
            { schema = poll_sync, table = ledger, key = [account], cursor = updated_at }
          ]
          overlap = 5 seconds
          source-time-zone = Europe/Berlin
          snapshot-partitions = 4
          fetch-size = 500
        }
        """);
    settings = Settings.load(List.of(TestStack.projectDir().resolve("conf/local.conf"),
        TestStack.overlayFile(), conf), TestStack.SECRETS);
    List<PolledTable> tables = settings.poll().tables();
    units = tables.get(0);
    description = tables.get(1);
    performance = tables.get(2);
    local = tables.get(3);
    ledger = tables.get(4);
    poller = new TablePoller(spark, settings.postgres(), settings.poll(), new LakeSettings(ROOT));
    sql("DROP SCHEMA IF EXISTS poll_sync CASCADE",
        "CREATE SCHEMA poll_sync",
        "CREATE TABLE poll_sync.transport_units (unit_id text PRIMARY KEY, name text NOT NULL, company_id int, "
            + "updated_at timestamptz NOT NULL)",
        "INSERT INTO poll_sync.transport_units SELECT 'TER-' || i, 'Truck ' || i, 1, now() - interval '1 day' "
            + "FROM generate_series(1, 6) i",
        "CREATE TABLE poll_sync.unit_description (t_unit_id text NOT NULL, created_at timestamptz NOT NULL, "
            + "description text, PRIMARY KEY (t_unit_id, created_at))",
        "INSERT INTO poll_sync.unit_description SELECT 'U' || i, now() - interval '2 days', 'first' "
            + "FROM generate_series(1, 4) i",
        // a key part without a time zone: read as the instant it is in Berlin, for the rows and for the deletes
        "CREATE TABLE poll_sync.performance (t_unit_id text NOT NULL, created_at timestamp NOT NULL, "
            + "fuel_l numeric, PRIMARY KEY (t_unit_id, created_at))",
        "INSERT INTO poll_sync.performance SELECT 'U' || i, now() - interval '2 days', 10 * i FROM generate_series(1, 4) i",
        "CREATE TABLE poll_sync.local_clock (id int PRIMARY KEY, reading text, updated_at timestamp)",
        "INSERT INTO poll_sync.local_clock VALUES (1, 'summer', TIMESTAMP '2026-07-01 12:00:00')",
        "CREATE TABLE poll_sync.ledger (account int PRIMARY KEY, balance bigint NOT NULL, updated_at timestamptz NOT NULL)",
        "INSERT INTO poll_sync.ledger SELECT a, 100, now() FROM generate_series(1, " + ACCOUNTS + ") a");
    for (PolledTable table : List.of(units, description, performance, local)) {
      PollResult first = poller.poll(table);
      assertTrue(first.full(), first.line());
    }
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(settings.postgres().jdbcUrl(), settings.postgres().connectionProperties());
  }

  private static Dataset<Row> bronze(PolledTable table) {
    return spark.read().format("delta").load(ROOT + "/bronze/" + table.bronzeTable());
  }

  private static Dataset<Row> source(PolledTable table) {
    return spark.read().jdbc(settings.postgres().jdbcUrl(), table.qualifiedName(), settings.postgres().connectionProperties());
  }

  private static void assertNoVersionTwice(PolledTable table) {
    Dataset<Row> rows = bronze(table).filter("NOT coalesce(source_deleted, false)");
    List<String> key = new java.util.ArrayList<>(table.key());
    key.add(TablePoller.SOURCE_XID);
    assertEquals(rows.count(), rows.select(key.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
        .distinct().count(), "no row version twice in bronze/" + table.bronzeTable());
  }

  @Test
  @Order(1)
  void aTransactionFourTimesTheOverlapIsReadOnceItCommits() throws Exception {
    try (Connection slow = connect(); Statement slowSql = slow.createStatement()) {
      slow.setAutoCommit(false);
      // the transaction began long ago as far as its cursor says: 4 × the 5 s overlap before the rows below
      slowSql.execute("UPDATE poll_sync.transport_units SET name = 'late', updated_at = now() - interval '20 seconds' "
          + "WHERE unit_id = 'TER-1'");
      // a subtransaction's id is not among a snapshot's running ids: its row must be found all the same
      slowSql.execute("SAVEPOINT part");
      slowSql.execute("UPDATE poll_sync.transport_units SET name = 'late, in a savepoint', "
          + "updated_at = now() - interval '20 seconds' WHERE unit_id = 'TER-2'");
      slowSql.execute("RELEASE SAVEPOINT part");
      slowSql.execute("INSERT INTO poll_sync.performance VALUES ('U1', now() - interval '20 seconds', 99)");
      for (int i = 3; i <= 4; i++) {
        sql("UPDATE poll_sync.transport_units SET name = 'quick', updated_at = now() WHERE unit_id = 'TER-" + i + "'",
            "INSERT INTO poll_sync.performance VALUES ('U" + i + "', now(), 1)");
        PollResult meanwhile = poller.poll(units);
        assertEquals(1, meanwhile.rowsRead(), meanwhile.line());
        assertEquals(1, poller.poll(performance).rowsAdded());
      }
      slow.commit();
    }
    PollResult after = poller.poll(units);
    assertEquals(2, after.rowsRead(), after.line());
    assertEquals(2, after.rowsAdded(), after.line());
    assertEquals(1, poller.poll(performance).rowsAdded(), "the challenge's table by configuration alone");
    assertEquals(0, poller.poll(units).rowsRead(), "nothing read twice");
    assertEquals(1, bronze(units).filter("name = 'late'").count());
    assertEquals(1, bronze(units).filter("name = 'late, in a savepoint'").count());
    assertEquals(1, bronze(performance).filter("fuel_l = 99").count());
    assertNoVersionTwice(units);
    assertNoVersionTwice(performance);
    String metadata = io.delta.tables.DeltaTable.forPath(spark, ROOT + "/bronze/transport_units").history(1)
        .first().getAs("userMetadata");
    assertTrue(metadata.startsWith("{\"poll\":{\"snapshot\":\""), "the position is committed with the rows: " + metadata);
  }

  @Test
  @Order(2)
  void aRowStampedTenMinutesAheadHidesNothingAndIsFlagged() throws Exception {
    sql("UPDATE poll_sync.transport_units SET name = 'from the future', updated_at = now() + interval '10 minutes' "
        + "WHERE unit_id = 'TER-5'",
        "INSERT INTO poll_sync.unit_description VALUES ('U1', now() + interval '10 minutes', 'ahead')");
    PollResult ahead = poller.poll(units);
    assertEquals(1, ahead.futureCursors(), ahead.line());
    assertTrue(ahead.line().contains("1 with updated_at ahead of the database's clock (FUTURE_CURSOR)"), ahead.line());
    assertEquals(1, poller.poll(description).rowsAdded());
    sql("UPDATE poll_sync.transport_units SET name = 'ordinary', updated_at = now() WHERE unit_id = 'TER-6'",
        "INSERT INTO poll_sync.unit_description VALUES ('U2', now(), 'ordinary')");
    PollResult later = poller.poll(units);
    assertEquals(1, later.rowsAdded(), "a later ordinary update is read: " + later.line());
    assertEquals(0, later.futureCursors());
    assertEquals(1, poller.poll(description).rowsAdded());
    Row flagged = spark.read().format("delta").load(ROOT + "/_quality/poll_results")
        .filter("table_name = 'bronze.transport_units' AND rule = 'FUTURE_CURSOR' AND rows_failed > 0")
        .select("rows_failed", "severity").first();
    assertEquals(1L, flagged.getLong(0));
    assertEquals("soft", flagged.getString(1));
    assertNoVersionTwice(description);
  }

  @Test
  @Order(3)
  void localTimesAcrossTheAutumnChangeAndNullCursorsLoseNothing() throws Exception {
    Instant summer = bronze(local).filter("id = 1").select("updated_at").first().getTimestamp(0).toInstant();
    assertEquals(Instant.parse("2026-07-01T10:00:00Z"), summer, "12:00 in Berlin in summer is 10:00 UTC");
    // 2026-10-25 in Berlin: 02:00–03:00 happens twice. The second write is later but its local time is earlier.
    sql("INSERT INTO poll_sync.local_clock VALUES (2, 'first 02:40', TIMESTAMP '2026-10-25 02:40:00')");
    assertEquals(1, poller.poll(local).rowsAdded());
    sql("UPDATE poll_sync.local_clock SET reading = 'then 02:10', updated_at = TIMESTAMP '2026-10-25 02:10:00' WHERE id = 2",
        "INSERT INTO poll_sync.local_clock VALUES (3, 'no cursor', NULL)");
    PollResult afterChange = poller.poll(local);
    assertEquals(2, afterChange.rowsAdded(), afterChange.line());
    assertEquals(1, afterChange.nullCursors(), afterChange.line());
    assertTrue(afterChange.line().contains("1 without updated_at"), afterChange.line());
    PollResult again = poller.poll(local);
    assertEquals(0, again.rowsRead(), "a NULL cursor is read once: " + again.line());
    assertEquals(1, bronze(local).filter("reading = 'then 02:10'").count());
    assertEquals(1, bronze(local).filter("id = 3").count());
  }

  @Test
  @Order(4)
  void aDeletedUnitIsRecordedOnceAndItsVersionClosed() throws Exception {
    sql("DELETE FROM poll_sync.transport_units WHERE unit_id = 'TER-4'");
    PollResult streaming = poller.poll(units);
    assertEquals(-1, streaming.keysCompared(), "a streaming poll compares keys once per reconcile-interval");
    PollResult reconciled = poller.poll(units, true);
    assertEquals(5, reconciled.keysCompared(), reconciled.line());
    assertEquals(1, reconciled.deleted(), reconciled.line());
    assertTrue(reconciled.line().contains("deletes: 5 keys compared, 1 gone"), reconciled.line());
    assertEquals(0, poller.poll(units, true).deleted(), "recorded once");
    PollResult keysInBerlin = poller.poll(performance, true);
    assertEquals(0, keysInBerlin.deleted(), "local-time keys compare as bronze holds them: " + keysInBerlin.line());
    Dataset<Row> gone = bronze(units).filter("source_deleted");
    assertEquals(1, gone.count());
    assertEquals("TER-4", gone.first().getAs("unit_id"));
    Dataset<Row> versions = UnitDimension.versions(bronze(units));
    assertEquals(0, versions.filter("unit_id = 'TER-4' AND is_current").count(), "no current version after the delete");
    Row last = versions.filter("unit_id = 'TER-4'").orderBy(col("version").desc()).first();
    assertEquals(gone.first().<java.sql.Timestamp>getAs("updated_at"), last.getAs("valid_to"),
        "closed when the poll saw it gone");
    assertEquals(5, versions.filter("is_current").count());
    // a key that comes back is a new version, current again
    sql("INSERT INTO poll_sync.transport_units VALUES ('TER-4', 'back', 1, now())");
    assertEquals(1, poller.poll(units, true).rowsAdded());
    assertEquals(1, UnitDimension.versions(bronze(units)).filter("unit_id = 'TER-4' AND is_current AND name = 'back'").count());
  }

  @Test
  @Order(5)
  void columnsAddedDroppedAndRetypedInPostgres() throws Exception {
    sql("ALTER TABLE poll_sync.transport_units ADD COLUMN colour text",
        "UPDATE poll_sync.transport_units SET colour = 'red', updated_at = now() WHERE unit_id = 'TER-3'");
    PollResult added = poller.poll(units);
    assertEquals(1, added.rowsAdded(), added.line());
    assertEquals(List.of("poll transport_units: new column colour (string) → added to bronze/transport_units"), added.notes());
    assertEquals(1, bronze(units).filter("colour = 'red'").count());

    sql("ALTER TABLE poll_sync.transport_units DROP COLUMN company_id",
        "UPDATE poll_sync.transport_units SET name = 'no company', updated_at = now() WHERE unit_id = 'TER-5'");
    PollResult dropped = poller.poll(units);
    assertEquals(1, dropped.rowsAdded(), dropped.line());
    assertTrue(dropped.notes().get(0).contains("WARNING column company_id is gone from the source"), dropped.notes().toString());
    assertTrue(bronze(units).filter("name = 'no company'").first().isNullAt(
        bronze(units).schema().fieldIndex("company_id")));

    sql("ALTER TABLE poll_sync.transport_units ADD COLUMN seats int",
        "UPDATE poll_sync.transport_units SET seats = 2, updated_at = now() WHERE unit_id = 'TER-6'");
    assertEquals(1, poller.poll(units).rowsAdded());
    sql("ALTER TABLE poll_sync.transport_units ALTER COLUMN seats TYPE bigint",
        "UPDATE poll_sync.transport_units SET seats = 5000000000, updated_at = now() WHERE unit_id = 'TER-6'");
    TablePoller.PollFailedException retyped = assertThrows(TablePoller.PollFailedException.class, () -> poller.poll(units));
    assertTrue(retyped.getMessage().startsWith("poll transport_units failed: column seats is bigint in the source but "
        + "int in bronze/transport_units"), retyped.getMessage());
    assertTrue(retyped.getMessage().endsWith("table poll_sync.transport_units)"), retyped.getMessage());
    sql("INSERT INTO poll_sync.unit_description VALUES ('U3', now(), 'the other tables go on')");
    assertEquals(1, poller.poll(description).rowsAdded());
    // back to a type bronze holds: the failed poll committed nothing, so the row is read now
    sql("UPDATE poll_sync.transport_units SET seats = 7 WHERE unit_id = 'TER-6'",
        "ALTER TABLE poll_sync.transport_units ALTER COLUMN seats TYPE int");
    PollResult fixed = poller.poll(units);
    assertTrue(fixed.rowsAdded() >= 1, fixed.line());
    assertEquals(1, bronze(units).filter("unit_id = 'TER-6' AND seats = 7").count());
  }

  @Test
  @Order(6)
  void theFirstFullReadIsOneMomentWhileAWriterMovesMoney() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong transfers = new AtomicLong();
    Thread writer = new Thread(() -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        while (writing.get()) {
          int from = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
          int to = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
          if (from == to) {
            continue;
          }
          // one transaction moves 1 between two accounts: the sum over all accounts never changes
          s.execute("UPDATE poll_sync.ledger SET balance = balance + CASE WHEN account = " + from + " THEN -1 ELSE 1 END, "
              + "updated_at = now() WHERE account IN (" + from + ", " + to + ")");
          transfers.incrementAndGet();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, "ledger-writer");
    writer.start();
    PollResult first;
    long before;
    try {
      while (transfers.get() < 50) {
        Thread.onSpinWait();
      }
      before = transfers.get();
      first = poller.poll(ledger);
    } finally {
      writing.set(false);
      writer.join();
    }
    assertTrue(first.full(), first.line());
    assertTrue(transfers.get() > before, "the writer wrote while the readers read: " + transfers.get() + " > " + before);
    assertEquals(ACCOUNTS, first.rowsRead(), first.line());
    assertEquals((long) ACCOUNTS * 100, bronze(ledger).agg(org.apache.spark.sql.functions.sum("balance")).first().getLong(0),
        "four parallel readers, one snapshot: the money adds up");
    PollResult rest = poller.poll(ledger);
    assertFalse(rest.full());
    Dataset<Row> latest = bronze(ledger).withColumn("n", org.apache.spark.sql.functions.row_number().over(
            org.apache.spark.sql.expressions.Window.partitionBy("account").orderBy(col(TablePoller.SOURCE_XID).desc())))
        .filter("n = 1").select("account", "balance", "updated_at");
    assertSameRows(source(ledger).select("account", "balance", "updated_at"), latest);
    assertNoVersionTwice(ledger);
  }

  @Test
  @Order(8)
  void doctorSeesWhatTheNextPollWouldReadAndATransactionOpenForLong() throws Exception {
    sql("INSERT INTO poll_sync.unit_description VALUES ('U5', now(), 'new'), ('U6', now(), 'new')");
    org.apache.hadoop.fs.Path bronze = new org.apache.hadoop.fs.Path(ROOT + "/bronze/unit_description");
    { // Spark's own, cached file system: not closed
      org.apache.hadoop.fs.FileSystem fs = bronze.getFileSystem(spark.sparkContext().hadoopConfiguration());
      PollLag.TableLag lag = PollLag.of(settings.postgres(), settings.poll(), description, fs, bronze);
      assertEquals(2, lag.unpolledRows(), lag.line());
      assertTrue(lag.lastPoll().isPresent(), lag.line());
      assertTrue(lag.line().startsWith("poll  unit_description  last poll "), lag.line());
      poller.poll(description);
      assertEquals(0, PollLag.of(settings.postgres(), settings.poll(), description, fs, bronze).unpolledRows());
    }
    // any transaction open longer than the overlap, here 1 ms (a test does not wait 5 s)
    PollSettings shortOverlap = new PollSettings(settings.poll().tables(), java.time.Duration.ofMillis(1),
        settings.poll().fetchSize(), settings.poll().snapshotPartitions(), settings.poll().sourceTimeZone(),
        settings.poll().futureCursorMargin(), settings.poll().reconcileInterval());
    try (Connection open = connect(); Connection doctor = connect(); Statement openSql = open.createStatement()) {
      open.setAutoCommit(false);
      openSql.execute("UPDATE poll_sync.ledger SET balance = balance WHERE account = 1");
      int pid;
      try (var r = openSql.executeQuery("SELECT pg_backend_pid()")) {
        r.next();
        pid = r.getInt(1);
      }
      List<PollLag.OpenTransaction> found = PollLag.longTransactions(doctor, shortOverlap);
      assertTrue(found.stream().anyMatch(t -> t.pid() == pid && t.state().equals("idle in transaction")), found::toString);
      open.rollback();
    }
  }

  @Test
  @Order(7)
  void pollsOfNothingReadNothingAndStillMoveThePositionOn() throws Exception {
    for (PolledTable table : List.of(units, description, performance, local, ledger)) {
      long xmaxBefore;
      try (Connection c = connect(); Statement s = c.createStatement();
           java.sql.ResultSet r = s.executeQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")) {
        r.next();
        xmaxBefore = r.getLong(1);
      }
      PollResult idle = poller.poll(table);
      assertEquals(0, idle.rowsRead(), idle.line());
      assertEquals(0, idle.rowsAdded(), idle.line());
      // an idle table on a busy database must not fall 2^31 transactions behind and be read whole again
      org.apache.hadoop.fs.Path bronze = new org.apache.hadoop.fs.Path(ROOT + "/bronze/" + table.bronzeTable());
      { // Spark's own, cached file system: not closed
        org.apache.hadoop.fs.FileSystem fs = bronze.getFileSystem(spark.sparkContext().hadoopConfiguration());
        long recorded = io.fleetlake.sources.PollPosition.latestInLog(fs, bronze).orElseThrow().getKey().snapshot().xmax();
        assertTrue(recorded >= xmaxBefore, table.table() + ": position " + recorded + " ≥ " + xmaxBefore);
      }
    }
  }
}
