package io.fleetlake.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlake.emr.EmrStepsTest;
import io.fleetlake.testing.Command;
import io.fleetlake.testing.FreePorts;
import io.fleetlake.testing.LocalStackExtension;
import io.fleetlake.testing.TestSpark;
import io.fleetlake.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fat jar through scripts/spark-submit, as a user runs it, against the test stack: what only a process of
 * its own shows (exit codes through spark-submit, the catalog's and doctor's connections). The usage, every exit 2
 * and --print-config are MainTest's; every job's output at DEBUG is searched for secrets by SecretsIT.
 */
@ExtendWith(LocalStackExtension.class)
class CommandLineIT {
  private static TestStack stack;

  @BeforeAll
  static void writeATable() {
    stack = LocalStackExtension.stack();
    SparkSession spark = TestSpark.session(stack.settings());
    spark.sql("SELECT * FROM VALUES ('ship-1', 'maritime'), ('ship-2', 'maritime'), ('plane-1', 'aerial') "
            + "AS t(unit_id, unit_type)")
        .write().format("delta").mode("overwrite").save(stack.settings().lake().table("bronze", "cli_units"));
  }

  private static Command.Result job(Map<String, String> env, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(stack.configArguments());
    return Command.sparkSubmit(env, all);
  }

  @Test
  void anUnknownJobExits2() throws Exception {
    Command.Result result = Command.sparkSubmit(Map.of(), List.of("ingest"));
    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().contains("fleetlake: unknown job 'ingest'. The jobs are:"), result::toString);
  }

  @Test
  void sqlAnswersAQueryOverADeltaTableOnTheS3Server() throws Exception {
    Command.Result result = job(TestStack.SECRETS, "sql",
        "SELECT unit_type, count(*) AS units FROM bronze.cli_units GROUP BY unit_type ORDER BY unit_type", "--format", "csv");
    assertEquals(0, result.exitCode(), result::toString);
    assertEquals("unit_type,units\r\naerial,1\r\nmaritime,2\r\n", result.out());
  }

  @Test
  void catalogRegistersTheTablesAndWritesTheirAthenaDdl() throws Exception {
    Path ddl = TestStack.projectDir().resolve("target/athena-ddl-" + UUID.randomUUID() + ".sql");
    Command.Result result = job(TestStack.SECRETS, "catalog", "--athena-ddl", ddl.toString());
    assertEquals(0, result.exitCode(), result::toString);
    String location = stack.settings().lake().table("bronze", "cli_units");
    assertTrue(result.out().contains("catalog bronze.cli_units: registered → " + location + " (3 rows)"), result::toString);
    String written = Files.readString(ddl);
    assertTrue(written.contains("CREATE EXTERNAL TABLE IF NOT EXISTS athena_bronze.cli_units\nLOCATION '"
        + location.replace("s3a://", "s3://") + "'\nTBLPROPERTIES ('table_type' = 'DELTA');"), written);
    assertTrue(written.contains("-- (no manifest yet, so this reads as empty: set manifest = true for bronze/cli_units"), written);
    assertTrue(result.out().contains(written), "the DDL printed is the DDL written");
    Files.delete(ddl);
  }

  @Test
  void doctorNamesWhatIsWrong() throws Exception {
    Map<String, String> env = new HashMap<>(TestStack.SECRETS);
    env.put("FLEETLAKE_POSTGRES_PASSWORD", "not-the-password");
    env.put("FLEETLAKE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + FreePorts.take(1)[0]);
    env.put("FLEETLAKE_S3_SECRET_KEY", "not-the-key");
    Command.Result result = job(env, "doctor");
    assertEquals(1, result.exitCode(), result::toString);
    assertTrue(result.out().contains("FAIL  postgres"), result::toString);
    assertTrue(result.out().contains("password authentication failed for user \"fleet\""), result::toString);
    assertTrue(result.out().contains("FAIL  kafka"), result::toString);
    assertTrue(result.out().contains("FAIL  s3") && result.out().contains("credentials refused"), result::toString);
    assertTrue(result.out().contains("OK    weather"), result::toString);
    assertTrue(result.out().contains("1 of 4 checks passed"), result::toString);
    assertFalse(result.all().contains("not-the-password") || result.all().contains("not-the-key"), result::toString);
  }

  @Test
  void emrSubmitWritesStepsTheAwsCliAccepts() throws Exception {
    Path file = TestStack.projectDir().resolve("target/emr-steps-" + UUID.randomUUID() + ".json");
    String jar = "s3://fleet-artifacts/jars/fleetlake.jar";
    Command.Result result = Command.run(Map.of(), List.of("scripts/emr-submit", "--jar", jar, "--config",
        "s3://fleet-artifacts/conf/emr.conf", "--out", file.toString(), "run-all", "catalog", "train-model", "report"));
    assertEquals(0, result.exitCode(), result::toString);
    List<List<String>> steps = EmrStepsTest.assertValidSteps(Files.readString(file));
    assertEquals(List.of("run-all", "catalog", "train-model", "report"), steps.stream().map(a -> a.get(a.indexOf(jar) + 1)).toList());
    steps.forEach(args -> assertEquals("emr.conf", args.get(args.indexOf("--config") + 1)));
    assertEquals(result.out().strip(), Files.readString(file).strip(), "what it printed is what it wrote");
    Files.delete(file);

    Command.Result noCluster = Command.run(Map.of(), List.of("scripts/emr-submit", "--run", "--jar", jar, "--config",
        "s3://fleet-artifacts/conf/emr.conf"));
    assertEquals(2, noCluster.exitCode(), noCluster::toString);
    assertTrue(noCluster.err().contains("--run needs --cluster-id"), noCluster::toString);
  }
}
