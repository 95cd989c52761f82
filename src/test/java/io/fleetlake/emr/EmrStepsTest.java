package io.fleetlake.emr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The add-steps JSON, checked against the shape the AWS CLI documents for --steps. */
public class EmrStepsTest {
  private static final String JAR = "s3://fleet-artifacts/jars/fleetlake-0.1.0.jar";
  private static final String CONFIG = "s3://fleet-artifacts/conf/emr.conf";

  /**
   * The AWS CLI's schema of `aws emr add-steps --steps` (awscli/customizations/emr/argumentschema.py, STEPS_SCHEMA: a
   * list of objects with only these keys, Type and ActionOnFailure from their enums, Args a list of strings) and
   * the API's limits (StepConfig: Name at most 256 characters; HadoopJarStep's strings at most 10,240 in all).
   * Returns the steps' Args.
   */
  public static List<List<String>> assertValidSteps(String json) throws Exception {
    JsonNode steps = new ObjectMapper().readTree(json);
    assertTrue(steps.isArray() && steps.size() > 0, "a non-empty JSON list: " + json);
    Map<String, Set<String>> enums = Map.of(
        "Type", Set.of("CUSTOM_JAR", "STREAMING", "HIVE", "PIG", "IMPALA", "SPARK"),
        "ActionOnFailure", Set.of("TERMINATE_CLUSTER", "CANCEL_AND_WAIT", "CONTINUE"));
    Set<String> keys = Set.of("Type", "Name", "ActionOnFailure", "Jar", "Args", "MainClass", "Properties");
    List<List<String>> allArgs = new ArrayList<>();
    for (JsonNode step : steps) {
      assertTrue(step.isObject(), step.toString());
      for (Iterator<String> names = step.fieldNames(); names.hasNext(); ) {
        String key = names.next();
        assertTrue(keys.contains(key), "unknown key " + key);
        if (key.equals("Args")) {
          assertTrue(step.get(key).isArray(), "Args is a list");
          step.get(key).forEach(a -> assertTrue(a.isTextual(), "Args are strings: " + a));
        } else {
          assertTrue(step.get(key).isTextual(), key + " is a string");
        }
        if (enums.containsKey(key)) {
          assertTrue(enums.get(key).contains(step.get(key).asText()), key + " = " + step.get(key));
        }
      }
      assertTrue(step.has("Jar") && step.has("Name"), "a CUSTOM_JAR step names its jar and itself: " + step);
      assertTrue(step.get("Name").asText().length() <= 256);
      List<String> args = new ArrayList<>();
      step.get("Args").forEach(a -> args.add(a.asText()));
      int length = step.get("Jar").asText().length() + args.stream().mapToInt(String::length).sum();
      assertTrue(length <= 10_240, "HadoopJarStep strings: " + length);
      allArgs.add(args);
    }
    return allArgs;
  }

  private static String print(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = EmrSteps.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theDefaultStepsAreRunAllAndTheCatalog() throws Exception {
    List<List<String>> steps = assertValidSteps(print("--jar", JAR, "--config", CONFIG));
    assertEquals(List.of("spark-submit", "--deploy-mode", "cluster", "--files", CONFIG,
        "--driver-memory", "2g", "--executor-memory", "4g", "--executor-cores", "2",
        "--num-executors", "2", "--conf", "spark.dynamicAllocation.enabled=false",
        "--conf", "spark.yarn.maxAppAttempts=4", "--conf", "spark.yarn.am.attemptFailuresValidityInterval=1h",
        JAR, "run-all", "--config", "emr.conf"), steps.get(0));
    assertEquals(List.of("spark-submit", "--deploy-mode", "cluster", "--files", CONFIG,
        "--driver-memory", "2g", "--executor-memory", "4g", "--executor-cores", "2",
        JAR, "catalog", "--config", "emr.conf", "--available-now"), steps.get(1));
    assertEquals(2, steps.size());
  }

  @Test
  void separateStreamingJobsWithPollingOnASchedule() throws Exception {
    String json = print("--jar", JAR, "--config", CONFIG, "ingest-locations", "silver-dimensions", "silver-locations", "gold",
        "poll-sources", "train-model", "report");
    List<List<String>> steps = assertValidSteps(json);
    assertEquals(7, steps.size());
    assertTrue(json.contains("\"Name\": \"fleetlake gold (streaming)\""), json);
    assertTrue(json.contains("\"Name\": \"fleetlake poll-sources (scheduled)\""), json);
    assertEquals("--available-now", steps.get(4).get(steps.get(4).size() - 1));
    assertTrue(assertValidSteps(print("--jar", JAR, "--config", CONFIG, "poll-sources:streaming")).get(0)
        .contains("spark.yarn.maxAppAttempts=4"));
  }

  @Test
  void everyJobAsAScheduledStepIncludingMaintain() throws Exception {
    List<List<String>> steps = assertValidSteps(print("--jar", JAR, "--config", CONFIG, "run-all:scheduled", "maintain", "catalog"));
    assertEquals(List.of("run-all", "maintain", "catalog"), steps.stream().map(a -> a.get(a.indexOf(JAR) + 1)).toList());
    steps.forEach(args -> assertEquals("--available-now", args.get(args.size() - 1)));
  }

  /**
   * EMR's spark-defaults set executor memory and cores and dynamic allocation; only spark-submit's options beat
   * them, so every step carries its resources, before the jar (after it they would be the job's arguments).
   */
  @Test
  void eachStepCarriesItsResourcesAsSparkSubmitOptions() throws Exception {
    List<List<String>> steps = assertValidSteps(print("--jar", JAR, "--config", CONFIG, "--driver-memory", "3G",
        "--executor-memory", "6g", "--executor-cores", "4", "--num-executors", "5",
        "--conf", "spark.executor.memoryOverhead=1g", "run-all", "train-model"));
    List<String> streaming = steps.get(0).subList(0, steps.get(0).indexOf(JAR));
    List<String> scheduled = steps.get(1).subList(0, steps.get(1).indexOf(JAR));
    for (List<String> options : List.of(streaming, scheduled)) {
      assertEquals("3G", options.get(options.indexOf("--driver-memory") + 1), options::toString);
      assertEquals("6g", options.get(options.indexOf("--executor-memory") + 1), options::toString);
      assertEquals("4", options.get(options.indexOf("--executor-cores") + 1), options::toString);
      assertTrue(options.contains("spark.executor.memoryOverhead=1g"), options::toString);
    }
    assertEquals("5", streaming.get(streaming.indexOf("--num-executors") + 1));
    assertTrue(streaming.contains("spark.dynamicAllocation.enabled=false"), "a stream keeps its executors");
    assertFalse(scheduled.contains("--num-executors"), "a scheduled step scales with the cluster's dynamic allocation");
    assertFalse(String.join(" ", scheduled).contains("dynamicAllocation"), scheduled::toString);
  }

  /** The -Pemr-delta jar has no Delta inside: each step names EMR's own Delta jars. */
  @Test
  void theClustersDeltaIsNamedOnEachStepOfTheEmrDeltaJar() throws Exception {
    for (List<String> args : assertValidSteps(print("--jar", JAR, "--config", CONFIG, "--delta", "cluster"))) {
      List<String> options = args.subList(0, args.indexOf(JAR));
      assertEquals("/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar",
          options.get(options.indexOf("--jars") + 1), options::toString);
    }
    assertFalse(print("--jar", JAR, "--config", CONFIG, "--delta", "jar").contains("--jars"));
    assertFalse(print("--jar", JAR, "--config", CONFIG).contains("/usr/share/aws/delta"), "Delta inside the jar by default");
  }

  /** The step's own arguments say where report's and catalog's files go: the step log shows them. */
  @Test
  void outputsOnS3AreNamedInTheReportAndCatalogSteps() throws Exception {
    List<List<String>> steps = assertValidSteps(print("--jar", JAR, "--config", CONFIG, "--outputs",
        "s3://fleet-artifacts/outputs/", "report", "catalog", "train-model"));
    assertEquals(List.of("report", "--config", "emr.conf", "--output", "s3://fleet-artifacts/outputs/fleet-dashboard.html",
        "--available-now"), steps.get(0).subList(steps.get(0).indexOf(JAR) + 1, steps.get(0).size()));
    assertEquals(List.of("catalog", "--config", "emr.conf", "--athena-ddl", "s3://fleet-artifacts/outputs/athena-ddl.sql",
        "--available-now"), steps.get(1).subList(steps.get(1).indexOf(JAR) + 1, steps.get(1).size()));
    assertEquals(List.of("train-model", "--config", "emr.conf", "--available-now"),
        steps.get(2).subList(steps.get(2).indexOf(JAR) + 1, steps.get(2).size()));
  }

  @Test
  void resourcesThatSparkWouldMisreadAreRefused() {
    for (List<String> wrong : List.of(List.of("--executor-memory", "4096"), List.of("--driver-memory", "2 g"),
        List.of("--executor-memory", "0g"), List.of("--executor-cores", "0"), List.of("--num-executors", "two"),
        List.of("--conf", "dynamicAllocation=false"), List.of("--conf", "spark.executor.memory"),
        List.of("--delta", "emr"), List.of("--outputs", "s3://bucket/no-slash"), List.of("--outputs", "/tmp/out/"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      List<String> argv = new ArrayList<>(List.of("--jar", JAR, "--config", CONFIG));
      argv.addAll(wrong);
      assertEquals(2, EmrSteps.run(argv, new PrintStream(new ByteArrayOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8)), wrong::toString);
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("emr-submit: " + wrong.get(0) + " " + wrong.get(1) + ": "),
          err::toString);
    }
  }

  @Test
  void twoDriversForOneTableAndWrongPathsAreRefused() {
    assertEquals("run-all already runs gold: two drivers would write the same tables",
        assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("run-all", "gold"))).getMessage());
    assertEquals("run-all already runs poll-sources: two drivers would write the same tables",
        assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("run-all", "poll-sources"))).getMessage());
    assertEquals("maintain is given twice: two drivers would write the same tables",
        assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("maintain", "maintain"))).getMessage());
    assertEquals("--jar target/fleetlake.jar: must be an s3:// path to the jar file (EMR reads it from S3)",
        assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps("target/fleetlake.jar", CONFIG, List.of())).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("ingest")))
        .getMessage().startsWith("unknown job 'ingest': one of [run-all, ingest-locations"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("run-all", "maintain")))
        .getMessage().startsWith("maintain commits to every table, which run-all write(s) as well: two drivers for one table"));
    assertEquals("run-all already runs gold: two drivers would write the same tables",
        assertThrows(IllegalArgumentException.class, () -> EmrSteps.steps(JAR, CONFIG, List.of("run-all", "gold:scheduled"))).getMessage());
  }

  @Test
  void quotesAreEscaped() {
    assertEquals("\"a \\\"b\\\" \\\\ \\n\"", EmrSteps.quote("a \"b\" \\ \n"));
  }
}
