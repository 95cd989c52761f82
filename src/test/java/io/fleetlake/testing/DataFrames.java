package io.fleetlake.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import com.holdenkarau.spark.testing.SparkSessionProvider;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * spark-testing-base's DataFrame comparisons from JUnit 5, on our shared session (its JUnit 4 base would
 * start a SparkContext of its own). A difference fails with an AssertionError that shows the rows.
 */
public final class DataFrames {
  private static JavaDataFrameSuiteBase assertions;

  private DataFrames() {}

  static synchronized void useSession(SparkSession session) {
    SparkSessionProvider._sparkSession_$eq(session);
    assertions = new JavaDataFrameSuiteBase();
  }

  /** Same schema and the same rows, in any order. */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    assertions.assertDataFrameNoOrderEquals(expected, actual);
  }
}
