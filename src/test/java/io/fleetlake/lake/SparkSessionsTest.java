package io.fleetlake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkSessionsTest {
  private final Settings local = Settings.load(List.of(Path.of("conf/local.conf")),
      Map.of("FLEETLAKE_S3_SECRET_KEY", "unitSecret42", "FLEETLAKE_S3_ACCESS_KEY", "unitAccess42"));

  @Test
  void deltaS3aAndTheLayersAreConfigured() {
    Map<String, String> conf = SparkSessions.defaults(local, "sql");
    assertEquals("io.delta.sql.DeltaSparkSessionExtension", conf.get("spark.sql.extensions"));
    assertEquals("http://127.0.0.1:9000", conf.get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("true", conf.get("spark.hadoop.fs.s3a.path.style.access"));
    assertEquals("2", conf.get("spark.sql.shuffle.partitions"));
    assertEquals("s3a://fleet-lake/lake/_quality", conf.get("spark.sql.catalog.quality.path"));
    assertEquals("fleetlake sql", conf.get("spark.app.name"));
  }

  @Test
  void theKeysAreNotAmongThePrintableDefaults() {
    assertFalse(SparkSessions.defaults(local, "sql").values().stream().anyMatch(v -> v.contains("unitSecret42")));
    assertEquals("unitSecret42", SparkSessions.hadoopConfiguration(local).get("fs.s3a.secret.key"));
  }

  @Test
  void aSparkSubmitConfWinsOverOurs() {
    // spark-submit --conf arrives in the SparkConf before fleetlake adds its own
    SparkConf submitted = new SparkConf(false).set("spark.sql.shuffle.partitions", "64");
    SparkConf conf = SparkSessions.configure(local, "sql", submitted);
    assertEquals("64", conf.get("spark.sql.shuffle.partitions"));
    assertEquals("http://127.0.0.1:9000", conf.get("spark.hadoop.fs.s3a.endpoint"));
    assertFalse(conf.contains("spark.hadoop.fs.s3a.secret.key"), "Spark logs its conf at DEBUG: no keys in it");
  }

  /** EMR's spark-defaults set executor memory and cores; a driver's memory is fixed when its JVM starts. */
  @Test
  void settingsThatCannotApplyAreNamedWithWhereToGiveThem(@TempDir Path dir) throws Exception {
    Path overlay = Files.writeString(dir.resolve("resources.conf"), """
        fleetlake.spark.conf { "spark.executor.memory" = "4g", "spark.driver.memory" = "2g", "spark.executor.cores" = 2 }
        """);
    Settings withResources = Settings.load(List.of(Path.of("conf/local.conf"), overlay), Map.of());
    SparkConf sparkDefaults = new SparkConf(false).set("spark.executor.memory", "9486M").set("spark.executor.cores", "2");
    List<String> warnings = SparkSessions.unapplied(withResources, sparkDefaults);
    assertEquals(2, warnings.size(), warnings::toString);
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("fleetlake.spark.conf sets spark.driver.memory, but the "
        + "driver's JVM is running already; give it to spark-submit")), warnings::toString);
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("fleetlake.spark.conf's spark.executor.memory is not "
        + "applied: spark-submit or spark-defaults.conf")), warnings::toString);
    assertFalse(String.join(" ", warnings).contains("9486M"), "keys only: a value may be a credential");
    assertEquals(List.of(), SparkSessions.unapplied(local, sparkDefaults));
  }

  @Test
  void keysAlreadyConfiguredAreKept() {
    Configuration hadoop = new Configuration(false);
    hadoop.set("fs.s3a.access.key", "fromSubmit");
    hadoop.set("fs.s3a.secret.key", "fromSubmitSecret");
    SparkSessions.applyS3Keys(hadoop, local.s3());
    assertEquals("fromSubmitSecret", hadoop.get("fs.s3a.secret.key"));

    Configuration empty = new Configuration(false);
    SparkSessions.applyS3Keys(empty, local.s3());
    assertEquals("unitAccess42", empty.get("fs.s3a.access.key"));
    assertEquals("org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider", empty.get("fs.s3a.aws.credentials.provider"));
  }
}
