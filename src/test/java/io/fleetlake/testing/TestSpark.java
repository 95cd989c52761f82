package io.fleetlake.testing;

import io.fleetlake.config.Settings;
import io.fleetlake.lake.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM, built by the same code as a job's: local[2], no UI, two shuffle
 * partitions, no code generation. Unit tests get a lake on the local file system under target/; integration tests pass settings
 * that point at the local stack.
 */
public final class TestSpark {
  private static SparkSession session;

  private TestSpark() {}

  /** The session with a file lake under target/test-lake, created on first use. */
  public static synchronized SparkSession session() {
    if (session == null) {
      Path root = Path.of("target", "test-lake", UUID.randomUUID().toString()).toAbsolutePath();
      Map<String, String> env = Map.of("FLEETLAKE_LAKE_ROOT", root.toUri().toString());
      return session(Settings.load(List.of(), env));
    }
    return session;
  }

  /** The session for these settings; the first caller in a JVM decides them. */
  public static synchronized SparkSession session(Settings settings) {
    if (session == null) {
      SparkConf test = new SparkConf()
          .setMaster("local[2]")
          .set("spark.ui.enabled", "false")
          .set("spark.sql.shuffle.partitions", "2")
          .set("spark.default.parallelism", "2")
          .set("spark.driver.host", "127.0.0.1")
          // expressions interpreted, not compiled: a test's data is a few thousand rows, so generating and
          // compiling code (Janino) and shipping it to the tasks was a quarter of the tests' CPU (GoldJobTest
          // 112 → 84 s, four silver and gold tests 252 → 183 s). The jobs that tests start through spark-submit
          // (the command line, the weather quota, every fault test) keep Spark's code generation.
          .set("spark.sql.codegen.wholeStage", "false")
          .set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
          // a table's state rebuilt in one task, not two: every commit and read of a test's small tables
          // rebuilds one (GoldJobTest and LiveMergeScanTest 145 and 153 → 122 s). Only Delta's own bookkeeping:
          // the tests' queries keep their two shuffle partitions, so an order that one partition would give by
          // accident is still not given
          .set("spark.databricks.delta.snapshotPartitions", "1")
          .set("spark.sql.warehouse.dir", Path.of("target", "test-warehouse-" + TestStack.fork()).toAbsolutePath().toString());
      session = SparkSessions.create(settings, "test", test);
      DataFrames.useSession(session);
    }
    return session;
  }
}
