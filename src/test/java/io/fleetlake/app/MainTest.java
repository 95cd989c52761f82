package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  /** Every job of the jar. */
  private static final List<String> JOBS = List.of("ingest-locations", "poll-sources", "silver-dimensions",
      "silver-locations", "gold", "run-all", "maintain", "catalog", "simulate", "train-model", "report", "bench",
      "doctor", "sql", "erase");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryJobWithOneLineEach() {
    assertEquals(0, run(Map.of(), "--help"));
    for (String job : JOBS) {
      assertTrue(out().lines().anyMatch(line -> line.startsWith("  " + job + " ")), () -> job + " missing in:\n" + out());
    }
    assertEquals(JOBS.size(), FleetJob.values().length);
    // the codes Main returns, and no other
    assertTrue(out().contains("Exit codes: 0 done, 1 failed, 2 bad command line or config"), out());
    assertFalse(out().matches("(?s).*Exit codes:[^\\n]*\\b[3-9]\\b.*"), out());
  }

  /** The version is Maven's, recorded when the resources were built; Spark's is the one on this classpath. */
  @Test
  void versionNamesTheBuildAndWhatItIsBuiltFor() {
    assertEquals(0, run(Map.of(), "--version"));
    assertTrue(out().matches("fleetlake \\d+\\.\\d+\\.\\d+\\S* \\(built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) for Spark "
        + org.apache.spark.package$.MODULE$.SPARK_VERSION().replace(".", "\\.") + ", Scala 2\\.12\\.\\d+, Delta \\d\\.\\d\\.\\d+ "
        + "inside the jar, Hadoop " + org.apache.hadoop.util.VersionInfo.getVersion().replace(".", "\\.") + "\n"), out());
    assertEquals(0, run(Map.of(), "doctor", "--version"), "a job's name beside it changes nothing");
  }

  @Test
  void eraseWithoutAUnitExits2WithItsUsage() {
    assertEquals(2, run(Map.of(), "erase", "--before", "2026-01-01"));
    assertTrue(err().startsWith("fleetlake erase: --unit ID is required\nUsage: erase --unit ID"), err());
  }

  @Test
  void anUnknownJobExits2WithTheList() {
    assertEquals(2, run(Map.of(), "ingest"));
    assertTrue(err().startsWith("fleetlake: unknown job 'ingest'. The jobs are:\n"), err());
    assertTrue(err().contains("  ingest-locations "), err());
  }

  @Test
  void noJobExits2() {
    assertEquals(2, run(Map.of()));
    assertTrue(err().startsWith("fleetlake: no job given\n\nUsage: spark-submit"), err());
  }

  @Test
  void benchRefusesABadScaleBeforeItTouchesAnything() {
    assertEquals(2, run(Map.of(), "bench", "--scale", "1,four"));
    assertTrue(err().startsWith("fleetlake bench: --scale must be whole numbers ≥ 1 separated by commas (1,4,16), not '1,four'"), err());
  }

  @Test
  void jobHelpShowsItsOptions() {
    assertEquals(0, run(Map.of(), "sql", "--help"));
    assertTrue(out().contains("--format    table (default), csv"), out());
  }

  @Test
  void anInvalidConfigExits2NamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "fleetlake.lake.root = \"ftp://x\"");
    assertEquals(2, run(Map.of(), "doctor", "--config", conf.toString()));
    assertTrue(err().startsWith("fleetlake: Invalid setting fleetlake.lake.root = \"ftp://x\""), err());
  }

  @Test
  void anInvalidValueFromTheEnvironmentExits2() {
    assertEquals(2, run(Map.of("FLEETLAKE_STREAMING_TRIGGER_INTERVAL", "-1 minute"), "doctor"));
    assertTrue(err().contains("fleetlake.streaming.trigger-interval"), err());
  }

  @Test
  void printConfigMasksEverySecret() {
    Map<String, String> env = Map.of(
        "FLEETLAKE_S3_ACCESS_KEY", "AKIAPRINTTEST1",
        "FLEETLAKE_S3_SECRET_KEY", "printSecret/Key9",
        "FLEETLAKE_POSTGRES_PASSWORD", "printPgPass7");
    assertEquals(0, run(env, "doctor", "--config", "conf/local.conf", "--print-config"));
    String all = out() + err();
    assertTrue(out().contains("root=\"s3a://fleet-lake/lake\"") || out().contains("root = \"s3a://fleet-lake/lake\""), out());
    assertTrue(out().contains("# FLEETLAKE_S3_SECRET_KEY = **** (environment variable FLEETLAKE_S3_SECRET_KEY)"), out());
    for (String secret : env.values()) {
      assertFalse(all.contains(secret), () -> "secret printed:\n" + all);
    }
  }

  @Test
  void aMisspelledVariableIsWarnedAbout() {
    assertEquals(0, run(Map.of("FLEETLAKE_KAFKA_TOPICS", "x"), "doctor", "--print-config"));
    assertEquals("fleetlake: warning: environment variable FLEETLAKE_KAFKA_TOPICS matches no setting and is ignored\n", err());
  }

  /** Hostile command lines through the jar's entry point: each refused with exit 2 before any work. */
  @Test
  void aMalformedJobCommandLineExits2NamingTheArgument() {
    Map<List<String>, String> refused = new java.util.LinkedHashMap<>();
    refused.put(List.of("erase", "--unit"), "fleetlake erase: --unit needs a value\n");
    refused.put(List.of("erase", "--unit", "A", "--unit", "B"), "fleetlake erase: unknown arguments [--unit, B]\n");
    refused.put(List.of("erase", "--unit", "A", "--wait-minutes", "-1"),
        "fleetlake erase: --wait-minutes must be a whole number ≥ 0, not '-1'\n");
    refused.put(List.of("erase", "--unit", "A", "--before", "2026-02-30"),
        "fleetlake erase: --before must be a date YYYY-MM-DD, not '2026-02-30'\n");
    refused.put(List.of("simulate", "--speedup", "60"), "fleetlake simulate: unknown arguments [--speedup, 60]\n");
    refused.put(List.of("simulate", "--duplicates", "NaN"), "fleetlake simulate: --duplicates must be a number ≥ 0, not 'NaN'\n");
    refused.put(List.of("sql", "-x"), "fleetlake sql: unknown arguments [-x]\n");
    refused.forEach((args, message) -> {
      err.reset();
      assertEquals(2, run(Map.of(), args.toArray(String[]::new)), args::toString);
      assertTrue(err().startsWith(message + "Usage: " + args.get(0)), () -> args + " gave:\n" + err());
    });
  }

  @Test
  void sqlWithoutAStatementExits2WithItsUsage() {
    assertEquals(2, run(Map.of(), "sql", "--format", "table"));
    assertTrue(err().startsWith("fleetlake sql: no SQL statement given\nUsage: sql \"<statement>\""), err());
  }

  @Test
  void sqlWithAnUnknownFormatExits2() {
    assertEquals(2, run(Map.of(), "sql", "SELECT 1", "--format", "xml"));
    assertTrue(err().startsWith("fleetlake sql: --format must be table, csv or json, not 'xml'"), err());
  }

  @Test
  void configNeedsAFile() {
    assertEquals(2, run(Map.of(), "doctor", "--config"));
    assertTrue(err().startsWith("fleetlake: --config needs a file"), err());
  }
}
