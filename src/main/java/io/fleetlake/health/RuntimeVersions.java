package io.fleetlake.health;

import io.fleetlake.app.BuildInfo;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import scala.util.Properties;

/**
 * The Spark, Scala, Delta and Hadoop this JVM actually loaded, and where Delta came from: on EMR the cluster's
 * own Delta (delta-defaults) sits on the classpath before the job's jar and wins over the copy inside it.
 */
record RuntimeVersions(String spark, String scala, String delta, String deltaFrom, String hadoop, String java) {
  static final String ABSENT = "none";

  static RuntimeVersions loaded() {
    return new RuntimeVersions(scalaConstant("org.apache.spark.package$", "SPARK_VERSION"),
        Properties.versionNumberString(), scalaConstant("io.delta.package$", "VERSION"),
        location("org.apache.spark.sql.delta.DeltaLog"), org.apache.hadoop.util.VersionInfo.getVersion(),
        Runtime.version().toString());
  }

  /** doctor's lines: what runs, then a WARN for each difference from the build that can break a job. */
  List<String> compare(BuildInfo built) {
    List<String> lines = new ArrayList<>();
    lines.add(line("info", "Spark " + spark + ", Scala " + scala + ", Delta " + delta
        + (deltaFrom.isEmpty() ? "" : " (from " + deltaFrom + ")") + ", Hadoop " + hadoop + ", Java " + java
        + "; the jar: " + built.line()));
    if (!prefix(scala, 2).equals(prefix(built.scala(), 2))) {
      lines.add(line("WARN", "Scala " + scala + ", but the jar is built for Scala " + prefix(built.scala(), 2)
          + ": its classes cannot link; use a release whose Spark is built for " + prefix(built.scala(), 2) + " (EMR 7.x)"));
    }
    if (!prefix(spark, 2).equals(prefix(built.spark(), 2))) {
      lines.add(line("WARN", "Spark " + spark + ", but the jar is built for Spark " + prefix(built.spark(), 2)
          + " (EMR 7.x): Delta and the Kafka connector bind to one Spark line"));
    }
    if (delta.equals(ABSENT)) {
      lines.add(line("WARN", built.deltaInJar()
          ? "no Delta on the classpath, yet the jar carries it: is this the jar fleetlake's build made?"
          : "no Delta on the classpath: this jar is built with -Pemr-delta for the cluster's own Delta; turn it on "
              + "(classification delta-defaults, delta.enabled=true) or use the jar with Delta inside"));
    } else if (!prefix(delta, 3).equals(prefix(built.delta(), 3))) {
      lines.add(line("WARN", "Delta " + delta + (deltaFrom.isEmpty() ? "" : " from " + deltaFrom) + ", but the jar is "
          + "built for Delta " + built.delta() + (built.deltaInJar()
              ? ": the cluster's own Delta comes first; turn delta-defaults off, or build with -Pemr-delta against it"
              : ": build with -Pemr-delta -Ddelta.version=<the cluster's> (src/site/markdown/emr.md)")));
    }
    if (!prefix(hadoop, 1).equals(prefix(built.hadoop(), 1))) {
      lines.add(line("WARN", "Hadoop " + hadoop + ", but the jar is built against Hadoop " + built.hadoop()));
    }
    return lines;
  }

  /** The first {@code parts} numbers of a version, without a vendor's suffix: 3.5.6-amzn-2 → 3.5 for 2. */
  static String prefix(String version, int parts) {
    String[] numbers = version.split("-", 2)[0].split("\\.");
    return String.join(".", Arrays.copyOf(numbers, Math.min(parts, numbers.length)));
  }

  private static String line(String level, String text) {
    return String.format("%-4s  %-8s  %s", level, "runtime", text);
  }

  /** A constant of a Scala package object, e.g. org.apache.spark.SPARK_VERSION ("package" is Java's keyword). */
  private static String scalaConstant(String packageObject, String name) {
    try {
      Class<?> type = Class.forName(packageObject);
      Object module = type.getField("MODULE$").get(null);
      return String.valueOf(type.getMethod(name).invoke(module));
    } catch (ReflectiveOperationException | LinkageError e) {
      return ABSENT;
    }
  }

  private static String location(String className) {
    try {
      CodeSource source = Class.forName(className).getProtectionDomain().getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return url == null ? "" : url.getPath();
    } catch (ClassNotFoundException | LinkageError e) {
      return "";
    }
  }
}
