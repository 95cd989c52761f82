package io.fleetlake.faults;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.config.LakeSettings;
import io.fleetlake.config.PollSettings.PolledTable;
import io.fleetlake.config.Settings;
import io.fleetlake.lake.FleetTable;
import io.fleetlake.silver.SilverDimensions;
import io.fleetlake.sources.TablePoller;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Unit ids as a source database may hold them — a quote, a trailing backslash, SQL that closes a string, letters
 * of other scripts, 1,000 characters — polled from the real PostgreSQL and changed twice, through the poller and
 * silver-dimensions' writer: every unit's SCD2 history stays whole and each unit has one current version.
 */
@ExtendWith(LocalStackExtension.class)
class HostileUnitIdsIT {
  private static final String ROOT = "s3a://fleet-lake/hostile-ids-it";
  static final List<String> HOSTILE = List.of(
      "O'Brien-1",
      "depot\\",
      "x\\') OR true --",
      "x') OR true --",
      "Łódź-Ærø-東京-🚚",
      "U".repeat(1000));
  private static final int ORDINARY = 60;

  @Test
  void hostileIdsKeepEveryUnitsHistory() throws Exception {
    TestStack stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    Path conf = TestStack.projectDir().resolve("target/hostile-ids-it.conf");
    Files.writeString(conf, """
        fleetlake.poll.tables = [
          { schema = hostile_it, table = transport_units, key = [unit_id], cursor = updated_at }
        ]
        """);
    Settings settings = Settings.load(List.of(TestStack.projectDir().resolve("conf/local.conf"),
        TestStack.overlayFile(), conf), TestStack.SECRETS);
    PolledTable units = settings.poll().tables().get(0);
    LakeSettings lake = new LakeSettings(ROOT);
    TablePoller poller = new TablePoller(spark, settings.postgres(), settings.poll(), lake);
    SilverDimensions silver = new SilverDimensions(lake);

    try (Connection db = DriverManager.getConnection(settings.postgres().jdbcUrl(), settings.postgres().connectionProperties());
         Statement sql = db.createStatement()) {
      sql.execute("DROP SCHEMA IF EXISTS hostile_it CASCADE");
      sql.execute("CREATE SCHEMA hostile_it");
      sql.execute("CREATE TABLE hostile_it.transport_units (unit_id text PRIMARY KEY, name text NOT NULL, "
          + "unit_type text NOT NULL, updated_at timestamptz NOT NULL)");
      sql.execute("INSERT INTO hostile_it.transport_units SELECT 'TER-' || lpad(i::text, 3, '0'), 'Truck ' || i, "
          + "'terrestrial', now() - interval '2 days' FROM generate_series(1, " + ORDINARY + ") i");
      try (PreparedStatement insert = db.prepareStatement("INSERT INTO hostile_it.transport_units "
          + "VALUES (?, 'hostile', 'maritime', now() - interval '2 days')")) {
        for (String id : HOSTILE) {
          insert.setString(1, id);
          insert.executeUpdate();
        }
      }
      long version = pollIntoSilver(spark, poller, units, silver, -1);
      for (int change = 1; change <= 2; change++) {
        try (PreparedStatement update = db.prepareStatement("UPDATE hostile_it.transport_units "
            + "SET name = ?, updated_at = now() - interval '1 day' + ? * interval '1 hour' WHERE unit_id = ?")) {
          for (String id : HOSTILE) {
            update.setString(1, "hostile, change " + change);
            update.setInt(2, change);
            update.setString(3, id);
            update.executeUpdate();
          }
        }
        version = pollIntoSilver(spark, poller, units, silver, version);
      }
    }

    Dataset<Row> dimension = spark.read().format("delta").load(ROOT + "/" + FleetTable.DIM_TRANSPORT_UNITS.id());
    Map<String, Long> versions = new HashMap<>();
    for (Row row : dimension.groupBy("unit_id").count().collectAsList()) {
      versions.put(row.getString(0), row.getLong(1));
    }
    assertEquals(ORDINARY + HOSTILE.size(), versions.size(), "every unit is still known");
    for (String id : HOSTILE) {
      assertEquals(3L, versions.get(id), "three versions of " + id.substring(0, Math.min(20, id.length())));
    }
    assertEquals(ORDINARY, versions.values().stream().filter(n -> n == 1).count(), "one version of each ordinary unit");
    assertEquals(ORDINARY + HOSTILE.size(), dimension.filter(col("is_current")).count(), "one current version each");
    assertEquals(ORDINARY + HOSTILE.size(), dimension.filter(col("is_current")).select("unit_id").distinct().count());
    assertEquals(HOSTILE.size(), dimension.filter(col("is_current").and(col("name").equalTo("hostile, change 2"))).count());
  }

  /** One poll, then silver-dimensions' writer over the bronze rows the poll added (what its stream would see). */
  private static long pollIntoSilver(SparkSession spark, TablePoller poller, PolledTable units, SilverDimensions silver,
                                     long since) {
    TablePoller.PollResult result = poller.poll(units);
    System.out.println(result.line());
    String bronze = ROOT + "/bronze/transport_units";
    long version = spark.sql("DESCRIBE HISTORY delta.`" + bronze + "`").first().getLong(0);
    Dataset<Row> added = spark.read().format("delta").option("readChangeFeed", "false").load(bronze);
    if (since >= 0) {
      added = added.except(spark.read().format("delta").option("versionAsOf", since).load(bronze));
    }
    silver.upsertUnitVersions(added);
    return version;
  }
}
