package io.fleetlake.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlake.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlJobTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  private Dataset<Row> pings() {
    return spark.sql("SELECT * FROM VALUES ('ship-1', 31.5, 'a, \"quoted\"'), ('truck-7', NULL, '') "
        + "AS t(unit_id, speed_kmh, note)");
  }

  @Test
  void tableAlignsColumnsAndCountsRows() {
    assertEquals("""
        unit_id | speed_kmh | note
        --------+-----------+------------
        ship-1  | 31.5      | a, "quoted"
        truck-7 | NULL      |
        (2 rows)
        """, SqlJob.render(pings(), SqlJob.Format.TABLE, 1000));
  }

  @Test
  void tableSaysWhenItCutsRows() {
    String text = SqlJob.render(spark.range(5).toDF("n"), SqlJob.Format.TABLE, 2);
    assertEquals("n\n-\n0\n1\n(first 2 of 5 rows)\n", text);
  }

  @Test
  void csvQuotesAsRfc4180AndLeavesNullsEmpty() {
    assertEquals("unit_id,speed_kmh,note\r\nship-1,31.5,\"a, \"\"quoted\"\"\"\r\ntruck-7,,\"\"\r\n",
        SqlJob.render(pings(), SqlJob.Format.CSV, 1000));
  }

  @Test
  void jsonIsOneObjectPerLine() {
    assertEquals("{\"unit_id\":\"ship-1\",\"speed_kmh\":31.5,\"note\":\"a, \\\"quoted\\\"\"}\n"
        + "{\"unit_id\":\"truck-7\",\"note\":\"\"}\n", SqlJob.render(pings(), SqlJob.Format.JSON, 1000));
  }

  @Test
  void nestedValuesPrintAsSparkRendersThem() {
    assertEquals("st     | arr\n-------+-------\n{1, a} | [1, 2]\n(1 row)\n",
        SqlJob.render(spark.sql("SELECT named_struct('x', 1, 'y', 'a') AS st, array(1, 2) AS arr"),
            SqlJob.Format.TABLE, 10));
  }
}
