package io.fleetlake.health;

import io.fleetlake.app.BuildInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeVersionsTest {
  private static final BuildInfo FAT_JAR = new BuildInfo("0.1.0", "2026-12-01T05:00:00Z", "3.5.6", "2.12.18", "3.3.2",
      true, "3.3.4");
  private static final BuildInfo EMR_DELTA = new BuildInfo("0.1.0", "2026-12-01T05:00:00Z", "3.5.6", "2.12.18", "3.3.2",
      false, "3.3.4");

  @Test
  void thisJvmRunsWhatTheBuildRecorded() {
    RuntimeVersions loaded = RuntimeVersions.loaded();
    BuildInfo built = BuildInfo.current();
    assertEquals(built.spark(), loaded.spark());
    assertEquals(built.delta(), loaded.delta());
    assertEquals(built.hadoop(), loaded.hadoop());
    assertTrue(loaded.deltaFrom().contains("delta-spark"), loaded.deltaFrom());
    List<String> lines = loaded.compare(built);
    assertEquals(1, lines.size(), lines::toString);
    assertTrue(lines.get(0).startsWith("info  runtime   Spark " + built.spark() + ", Scala "), lines::toString);
  }

  /** EMR 7.13 (Spark 3.5.6-amzn-2, Hadoop 3.4.2-amzn-0) with delta-defaults on: its Delta is loaded first. */
  @Test
  void theClustersOwnDeltaBesideAJarWithDeltaInsideIsWarnedAbout() {
    RuntimeVersions emr = new RuntimeVersions("3.5.6-amzn-2", "2.12.18", "3.3.2-amzn-2",
        "/usr/share/aws/delta/lib/delta-spark.jar", "3.4.2-amzn-0", "17.0.16");
    assertEquals(1, emr.compare(EMR_DELTA).size(), "the -Pemr-delta jar: the same Delta line, nothing to say");
    assertEquals(1, emr.compare(FAT_JAR).size(), "3.3.2-amzn-2 is 3.3.2");
    List<String> lines = emr.compare(new BuildInfo("0.1.0", "t", "3.5.6", "2.12.18", "3.3.3", true, "3.3.4"));
    assertEquals(2, lines.size(), lines::toString);
    assertEquals("WARN  runtime   Delta 3.3.2-amzn-2 from /usr/share/aws/delta/lib/delta-spark.jar, but the jar is built "
        + "for Delta 3.3.3: the cluster's own Delta comes first; turn delta-defaults off, or build with -Pemr-delta "
        + "against it", lines.get(1));
  }

  @Test
  void aClusterWithoutDeltaForTheEmrDeltaBuildAndAnotherSparkLineAreWarnedAbout() {
    RuntimeVersions noDelta = new RuntimeVersions("3.5.5-amzn-1", "2.12.18", RuntimeVersions.ABSENT, "", "3.4.1", "17");
    List<String> lines = noDelta.compare(EMR_DELTA);
    assertEquals(2, lines.size(), lines::toString);
    assertTrue(lines.get(1).contains("no Delta on the classpath: this jar is built with -Pemr-delta"), lines::toString);

    RuntimeVersions spark4 = new RuntimeVersions("4.0.2-amzn-0", "2.13.16", "4.0.0-amzn-1-spark", "/x", "3.4.2", "17");
    lines = spark4.compare(FAT_JAR);
    assertEquals(4, lines.size(), lines::toString);
    assertTrue(lines.get(1).startsWith("WARN  runtime   Scala 2.13.16, but the jar is built for Scala 2.12"), lines::toString);
    assertTrue(lines.get(2).startsWith("WARN  runtime   Spark 4.0.2-amzn-0, but the jar is built for Spark 3.5"), lines::toString);
  }
}
